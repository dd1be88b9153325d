// The one error type of kurz and the seed's error envelope: {"status":"error","messages":{field:[…]}}.
export type Messages = Record<string, string[]>;

export class ApiError extends Error {
  constructor(readonly status: number, readonly messages: Messages, readonly headers: Record<string, string> = {}) {
    super(Object.values(messages).flat().join(" "));
  }
}

/** Collects messages per field so a request reports every bad field at once. */
export class Problems {
  readonly messages: Messages = {};
  add(field: string, message: string): void {
    (this.messages[field] ??= []).push(message);
  }
  get empty(): boolean {
    return Object.keys(this.messages).length === 0;
  }
  throwIfAny(status = 422): void {
    if (!this.empty) throw new ApiError(status, this.messages);
  }
}

export function errorBody(messages: Messages) {
  return { status: "error" as const, messages };
}
