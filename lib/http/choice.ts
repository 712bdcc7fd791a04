import { invalid, type ApiError } from './errors';

/**
 * DRF's words for a value outside a field's choices, which CVAT clients read: `"x" is not a valid choice.`
 * `among` narrows the choices (`for a project webhook`); `hint` says what to send instead.
 */
export function choiceMessage(
  value: string,
  { among, hint }: { among?: string; hint?: string } = {},
): string {
  return `"${value}" is not a valid choice${among ? ` ${among}` : ''}.${hint ? ` ${hint}` : ''}`;
}

/** The hint that lists every choice. */
export function listChoices(choices: readonly string[]): string {
  return `Use one of: ${choices.join(', ')}.`;
}

/** 400 naming the field whose value is not one of its choices. */
export function invalidChoice(
  field: string,
  value: string,
  options: { among?: string; hint?: string } = {},
): ApiError {
  return invalid(field, choiceMessage(value, options));
}
