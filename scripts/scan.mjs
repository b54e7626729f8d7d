#!/usr/bin/env node
/**
 * n8n's verification scan, offline, over every published package (packages/<name>/): the
 * analyzer of @n8n/scan-community-package (the devDependency pinned in package.json) run the two
 * ways `analyzePackageByName` runs it on a published version,
 *   - the packed tarball (`npm pack` in the package folder): its compiled `**\/*.js` and package.json,
 *   - the source: `SOURCE_FILE_PATTERNS` (package.json, nodes/ and credentials/ sources) of the
 *     package folder, as the build generates it from the top-level sources,
 * with the scanner's own ESLint config (`buildScanConfig`) and inline eslint comments ignored.
 * Only the provenance gate needs the registry, so it cannot run before publishing: the publish
 * workflow (.github/workflows/publish.yml) is what satisfies it.
 *
 * n8n's analyzer passes a package with warnings; this script fails on any finding, errors and
 * warnings alike, so a rule n8n later raises to an error cannot surprise a release.
 *
 *   node scripts/scan.mjs              build, pack, scan every package (npm run scan)
 *   node scripts/scan.mjs --no-build   the packages as built (.ci/run builds just before)
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';

import { ESLint } from 'eslint';
import glob from 'fast-glob';

import { REPO_ROOT, listPackages, packPackage } from './packages.mjs';

const SCANNER = '@n8n/scan-community-package/scanner/scanner.mjs';
/** The tarball leg's files, as analyzePackageByName passes them for the downloaded package. */
const TARBALL_FILE_PATTERNS = ['**/*.js', 'package.json'];

/** The package packed without lifecycle scripts (it is built already), unpacked as the scanner does. */
function packAndUnpack(pkg, workDir) {
	const tarball = packPackage(pkg, workDir);
	const packageDir = path.join(workDir, 'package');
	fs.mkdirSync(packageDir);
	execFileSync('tar', ['-xzf', tarball, '-C', packageDir, '--strip-components=1']);
	return { packageDir, tarball: path.basename(tarball) };
}

/**
 * The body of the scanner's `analyzePackage`, with the same ESLint options and file list, but
 * returning every finding: its verdict counts errors only.
 */
async function lintAsScanner(scanner, packageDir, filePatterns) {
	const eslint = new ESLint({
		cwd: packageDir,
		allowInlineConfig: false,
		overrideConfigFile: true,
		overrideConfig: await scanner.buildScanConfig(),
	});
	const files = glob.sync(filePatterns, { cwd: packageDir, absolute: true, ignore: ['node_modules/**', '**/package-lock.json'] });
	if (files.length === 0) throw new Error(`no files matched ${filePatterns.join(', ')} in ${packageDir}`);
	const results = await eslint.lintFiles(files);
	const errors = results.reduce((sum, result) => sum + result.errorCount, 0);
	const warnings = results.reduce((sum, result) => sum + result.warningCount, 0);
	const report = errors + warnings > 0 ? await (await eslint.loadFormatter('stylish')).format(results) : '';
	return { files: files.length, errors, warnings, report };
}

async function scanLeg(scanner, label, packageDir, filePatterns) {
	// n8n's own verdict first, exactly as the scanner computes it.
	const verdict = await scanner.analyzePackage(packageDir, filePatterns);
	const findings = await lintAsScanner(scanner, packageDir, filePatterns);
	const clean = verdict.passed && findings.errors + findings.warnings === 0;
	process.stdout.write(`${clean ? 'ok  ' : 'FAIL'} ${label}: ${findings.files} files, ${findings.errors} errors, ` +
		`${findings.warnings} warnings (n8n's analyzer: ${verdict.passed ? 'passed' : `failed, ${verdict.message}`})\n`);
	if (findings.report) process.stdout.write(findings.report);
	else if (!verdict.passed && verdict.details) process.stdout.write(`${verdict.details}\n`);
	return clean;
}

async function main(argv) {
	if (!argv.includes('--no-build')) execFileSync('npm', ['run', 'build'], { cwd: REPO_ROOT, stdio: 'inherit' });
	// The scanner makes a temp dir when imported and removes it only under tmp's graceful cleanup.
	createRequire(import.meta.resolve(SCANNER))('tmp').setGracefulCleanup();
	const scanner = await import(SCANNER);
	const packages = listPackages();
	let failed = 0;
	for (const pkg of packages) {
		const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'render-hooks-scan-'));
		try {
			const { packageDir, tarball } = packAndUnpack(pkg, workDir);
			const tarballClean = await scanLeg(scanner, `tarball ${tarball}`, packageDir, TARBALL_FILE_PATTERNS);
			const sourceClean = await scanLeg(scanner, `source ${path.relative(REPO_ROOT, pkg.dir)}`, pkg.dir, scanner.SOURCE_FILE_PATTERNS);
			if (!tarballClean || !sourceClean) failed++;
		} finally {
			fs.rmSync(workDir, { recursive: true, force: true });
		}
	}
	process.stdout.write(`${packages.length - failed} of ${packages.length} packages clean\n`);
	if (failed) process.exitCode = 1;
}

main(process.argv.slice(2)).catch((error) => {
	process.stderr.write(`${error.stack ?? error}\n`);
	process.exit(1);
});
