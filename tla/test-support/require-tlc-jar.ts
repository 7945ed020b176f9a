// The TLC jar for tests that run TLC: its path, or a failure that says how to install it.

import { findTlcJar, TlcJarNotFoundError } from '../tlc';
import { JAR_HOW_TO } from '../validate';

export function requireTlcJar(): string {
  try {
    return findTlcJar();
  } catch (error) {
    if (error instanceof TlcJarNotFoundError) throw new Error(JAR_HOW_TO);
    throw error;
  }
}
