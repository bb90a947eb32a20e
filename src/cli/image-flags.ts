import { Option, type Command } from 'commander';

export interface ImageFlags {
  platform?: string;
  insecure?: boolean;
  username?: string;
  password?: string;
  authfile?: string;
  maxLayerSize?: number;
}

/** Flags shared by every command that reads an image. */
export function imageOptions(cmd: Command): Command {
  return cmd
    .option('--platform <os/arch[/variant]>', 'platform to select from a multi-arch image (default linux/amd64)')
    .option('--insecure', 'speak plain HTTP to a registry that is not on loopback (loopback registries always are)')
    .option('--username <user>', 'registry user name (default: from ~/.docker/config.json)')
    .addOption(new Option('--password <password>', 'registry password (prefer PLIMSOLL_REGISTRY_PASSWORD)').hideHelp())
    .option('--authfile <path>', 'docker config.json with registry credentials')
    .addOption(new Option('--max-layer-size <bytes>', 'refuse layers that decompress to more than this (decompression-bomb guard)').argParser((v) => {
      const n = Number(v);
      if (!Number.isFinite(n) || n <= 0) throw new Error('--max-layer-size must be a positive number of bytes');
      return n;
    }));
}
