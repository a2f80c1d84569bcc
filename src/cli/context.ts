/** What a command gets from the process: environment, streams and the two ways of printing. */
export type CliContext = {
	env: Record<string, string | undefined>;
	stdin: NodeJS.ReadableStream & { isTTY?: boolean };
	/** One line (or block) to stdout: the command's result. */
	out(text: string): void;
	/** One line to stderr: prompts, warnings, progress. Never results. */
	err(text: string): void;
};

export type Command = { usage: string; run(argv: string[], ctx: CliContext): Promise<void> };
