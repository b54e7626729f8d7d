/**
 * Where the example workflows deliver: an SMTP server that keeps every mail (n8n's Send Email
 * node talks real SMTP to it) and a Slack-style incoming-webhook endpoint that keeps every post.
 * Both answer what they received on GET, for the end-to-end tests and for people trying the
 * examples.
 */
import { createHash } from 'crypto';
import type { AddressInfo } from 'net';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

import { readBody, sendJson, startServer } from './http';

export interface ReceivedMail {
	from?: string;
	to: string[];
	subject?: string;
	text?: string;
	attachments: Array<{ filename?: string; contentType: string; size: number; sha256: string }>;
	receivedAt: string;
}

export interface SlackPost {
	path: string;
	/** JSON posts: the parsed body. Files: what arrived, without the bytes. */
	body: unknown;
	file?: { contentType: string; size: number; sha256: string; filename?: string };
	receivedAt: string;
}

export interface Sinks {
	smtpPort: number;
	/** `http://127.0.0.1:PORT`: POST /slack/<anything> records a post; GET /mails and /posts list them. */
	httpUrl: string;
	mails: ReceivedMail[];
	posts: SlackPost[];
	close(): Promise<void>;
}

const MAX_POST_BYTES = 64 * 1024 * 1024;

export async function startSinks(options: { smtpPort?: number; httpPort?: number } = {}): Promise<Sinks> {
	const mails: ReceivedMail[] = [];
	const posts: SlackPost[] = [];

	const smtp = new SMTPServer({
		authOptional: true,
		disabledCommands: ['STARTTLS'],
		// Any user and password is fine: this is a local sink.
		onAuth: (_auth, _session, callback) => callback(null, { user: 'sink' }),
		onData(stream, session, callback) {
			simpleParser(stream)
				.then((parsed) => {
					mails.push({
						from: parsed.from?.text,
						to: session.envelope.rcptTo.map((recipient) => recipient.address),
						subject: parsed.subject,
						text: parsed.text,
						attachments: parsed.attachments.map((attachment) => ({
							filename: attachment.filename,
							contentType: attachment.contentType,
							size: attachment.size,
							// mailparser's `checksum` is MD5; the field promises SHA-256, like the posts' files.
							sha256: createHash('sha256').update(attachment.content).digest('hex'),
						})),
						receivedAt: new Date().toISOString(),
					});
					callback();
				})
				.catch((error: Error) => callback(error));
		},
	});
	smtp.options.size = 50 * 1024 * 1024;
	await new Promise<void>((resolve) => smtp.listen(options.smtpPort ?? 0, '127.0.0.1', resolve));
	const smtpPort = (smtp.server.address() as AddressInfo).port;

	const http = await startServer(async (req, res) => {
		const path = (req.url ?? '/').split('?')[0];
		if (req.method === 'POST' && path.startsWith('/slack')) {
			const raw = await readBody(req, MAX_POST_BYTES);
			const contentType = String(req.headers['content-type'] ?? '');
			const receivedAt = new Date().toISOString();
			if (!contentType.includes('json')) {
				const filename = new URL(req.url ?? '/', 'http://sink').searchParams.get('filename') ?? undefined;
				const sha256 = createHash('sha256').update(raw).digest('hex');
				posts.push({ path, body: null, file: { contentType, size: raw.length, sha256, filename }, receivedAt });
			} else {
				let body: unknown = raw.toString('utf8');
				try {
					body = JSON.parse(body as string);
				} catch {
					// Keep whatever came, so a broken post can be seen.
				}
				posts.push({ path, body, receivedAt });
			}
			res.writeHead(200, { 'content-type': 'text/plain' });
			res.end('ok');
			return;
		}
		if (req.method === 'GET' && path === '/mails') return sendJson(res, 200, mails);
		if (req.method === 'GET' && path === '/posts') return sendJson(res, 200, posts);
		sendJson(res, 404, { error: 'Not found: POST /slack/..., GET /mails, GET /posts' });
	}, options.httpPort ?? 0);

	return {
		smtpPort,
		httpUrl: http.url,
		mails,
		posts,
		async close() {
			await http.close();
			await new Promise<void>((resolve) => smtp.close(() => resolve()));
		},
	};
}
