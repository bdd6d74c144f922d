/**
 * Errors that end `boundwise classify` with a specific exit code and a message
 * for the user: 2 for usage errors, 127 for a command that cannot be found,
 * 126 for one that cannot be executed, 1 for a system it cannot work on.
 */
export class ClassifyExit extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
  }
  override get name(): string {
    return 'ClassifyExit';
  }
}

export const usageError = (message: string) => new ClassifyExit(message, 2);
