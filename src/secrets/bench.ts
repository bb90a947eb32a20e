/**
 * Throughput measurement for the scanner: `benchmarkScan(files)` reads the files first (so disk time is
 * not measured), then scans them all and reports MB/s. Used by bench/ and for tuning; not by the CLI.
 */
import { readFileSync, statSync } from 'node:fs';
import { SecretScanner } from './scanner.js';
import type { RuleSet, ScannerOptions } from './types.js';

export interface BenchmarkResult {
  files: number;
  /** bytes read */
  bytes: number;
  /** bytes whose content was scanned (not skipped as binary, too large or allowlisted by path) */
  bytesScanned: number;
  skipped: number;
  findings: number;
  /** wall-clock time of the scan phase */
  ms: number;
  /** CPU time (user + system) of the scan phase */
  cpuMs: number;
  /** megabytes (10^6 bytes) per wall-clock second */
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
  const c0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  for (const [path, buf] of data) {
    const r = scanner.scan(path, buf);
    findings += r.findings.length;
    if (r.skipped) skipped++;
  }
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  const c = process.cpuUsage(c0);
  return { files: data.length, bytes, bytesScanned: scanner.stats.bytesScanned, skipped, findings, ms, cpuMs: (c.user + c.system) / 1000, mbPerSec: bytes / 1e6 / (ms / 1000) };
}
