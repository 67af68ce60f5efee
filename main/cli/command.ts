export interface CommandInput {
  positionals: string[];
  values: Record<string, string | boolean | undefined>;
  json: boolean;
}

/** One CLI command: its options (node:util parseArgs format), usage line and action. */
export interface CommandSpec {
  name: string;
  usage: string;
  summary: string;
  options: Record<string, { type: 'string' | 'boolean'; short?: string }>;
  run(input: CommandInput): Promise<void>;
}
