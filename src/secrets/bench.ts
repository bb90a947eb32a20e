/**
 * Throughput measurement for the scanner: `benchmarkScan(files)` reads the files first (so disk time is
 * not measured), then scans them all and reports MB/s. Used by bench/ and for tuning; not by the CLI.
 */
import { readFileSync, statSync } from 'node:fs';
import { SecretScanner } from './scanner.js';
import type { RuleSet, ScannerOptions } from './types.js';

export interface BenchmarkResult {
  files: number;
  bytes: number;
  skipped: number;
  findings: number;
  ms: number;
  mbPerSec: number;
}

export function benchmarkScan(files: string[], rules?: RuleSet, opts: ScannerOptions = {}): BenchmarkResult {
  const data: [string, Buffer][] = [];
  for (const f of files) {
    try {
      if (!statSync(f).isFile()) continue;
      data.push([f, readFileSync(f)]);
    } catch {
      // unreadable: not part of the measurement
    }
  }
  const scanner = new SecretScanner(rules, opts);
  const bytes = data.reduce((a, [, b]) => a + b.length, 0);
  let findings = 0;
  let skipped = 0;
  const t0 = process.hrtime.bigint();
  for (const [path, buf] of data) {
    const r = scanner.scan(path, buf);
    findings += r.findings.length;
    if (r.skipped) skipped++;
  }
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  return { files: data.length, bytes, skipped, findings, ms, mbPerSec: bytes / 1e6 / (ms / 1000) };
}
