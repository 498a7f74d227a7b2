import { expect } from "vitest";
import { AppError } from "../lib/errors.ts";

/** The AppError a call rejected with; fails the test when it resolved or threw something else. */
export async function appError(p: Promise<unknown>): Promise<AppError> {
  const err: unknown = await p.then(
    () => new Error("expected the call to be refused, but it succeeded"),
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AppError);
  return err as AppError;
}
