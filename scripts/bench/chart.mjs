/**
 * docs/bench.svg from the bench's figures: one bar per ratio, its target marked, green where the
 * target is met and orange where not. Plain SVG text, no dependencies.
 */
const WIDTH = 940;
const LABEL_WIDTH = 330;
const BAR_WIDTH = 380;
const ROW = 34;
const AXIS_MAX = 3;

const escape = (text) => String(text).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/**
 * rows: [{label, value (a ratio), target?, better: 'higher'|'lower', note?}]; a row without a
 * value is drawn as "not measured".
 */
export function ratioChart({ title, subtitle, rows }) {
	const height = 70 + rows.length * ROW + 40;
	const x = (ratio) => LABEL_WIDTH + Math.min(ratio, AXIS_MAX) / AXIS_MAX * BAR_WIDTH;
	const parts = [
		`<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="Helvetica, Arial, sans-serif" font-size="13">`,
		`<rect width="${WIDTH}" height="${height}" fill="#ffffff"/>`,
		`<text x="16" y="26" font-size="16" font-weight="bold">${escape(title)}</text>`,
		`<text x="16" y="46" fill="#555">${escape(subtitle)}</text>`,
	];
	const top = 62;
	for (let tick = 0; tick <= AXIS_MAX; tick += 0.5) {
		parts.push(`<line x1="${x(tick)}" y1="${top}" x2="${x(tick)}" y2="${top + rows.length * ROW}" stroke="#e3e3e3"/>`);
		parts.push(`<text x="${x(tick)}" y="${top + rows.length * ROW + 16}" text-anchor="middle" fill="#777">${tick}×</text>`);
	}
	parts.push(`<line x1="${x(1)}" y1="${top}" x2="${x(1)}" y2="${top + rows.length * ROW}" stroke="#999" stroke-dasharray="3,3"/>`);
	rows.forEach((row, index) => {
		const y = top + index * ROW;
		parts.push(`<text x="16" y="${y + 21}">${escape(row.label)}</text>`);
		if (typeof row.value !== 'number' || !Number.isFinite(row.value)) {
			parts.push(`<text x="${LABEL_WIDTH + 4}" y="${y + 21}" fill="#777" font-style="italic">${escape(row.note ?? 'not measured')}</text>`);
			return;
		}
		const met = row.target === undefined ? undefined : row.better === 'higher' ? row.value >= row.target : row.value <= row.target;
		const colour = met === undefined ? '#6b8fb3' : met ? '#3a9a5b' : '#e07b24';
		parts.push(`<rect x="${LABEL_WIDTH}" y="${y + 8}" width="${Math.max(1, x(row.value) - LABEL_WIDTH)}" height="18" fill="${colour}"/>`);
		if (row.target !== undefined) {
			parts.push(`<line x1="${x(row.target)}" y1="${y + 4}" x2="${x(row.target)}" y2="${y + 30}" stroke="#222" stroke-width="2"/>`);
		}
		const target = row.target === undefined ? '' : ` (target ${row.better === 'higher' ? '≥' : '≤'} ${row.target})`;
		parts.push(`<text x="${x(row.value) + 6}" y="${y + 21}">${row.value.toFixed(2)}×${escape(target)}${row.note ? ` ${escape(row.note)}` : ''}</text>`);
	});
	parts.push(`<text x="16" y="${height - 10}" fill="#777">Bars: ratio to n8n's own node or to the bound; black tick: target; green met, orange missed, blue no target.</text>`);
	parts.push('</svg>');
	return `${parts.join('\n')}\n`;
}
