import { FederationError } from '../errors';
import { PlacementErrorCode as E } from './codes';
import { isLabelKey, isLabelValue } from '../k8s-names';
import { LabelSelector, LabelSelectorRequirement } from './types';
import { hasOwn, isPlainObject, show } from './util';

const OPERATORS: readonly string[] = ['In', 'NotIn', 'Exists', 'DoesNotExist'];
const SELECTOR_FIELDS: readonly string[] = ['matchLabels', 'matchExpressions'];
const REQUIREMENT_FIELDS: readonly string[] = ['key', 'operator', 'values'];

const KEY_HINT = 'a label key is an optional DNS-subdomain prefix and "/", then at most 63 characters [A-Za-z0-9-_.] starting and ending alphanumeric, e.g. "region" or "example.com/tier"';
const VALUE_HINT = 'a label value is empty or at most 63 characters [A-Za-z0-9-_.] starting and ending alphanumeric, e.g. "eu-west-1"';

/**
 * Checks a label selector against the Kubernetes rules and throws a FederationError on
 * the first problem: unknown fields (a misspelt `matchlabels` would otherwise match
 * everything), invalid label keys or values, unknown operators, In/NotIn without values,
 * Exists/DoesNotExist with values (an empty list is accepted, as in Kubernetes).
 *
 * @param where construct path or file, named in the error
 * @param field where the selector sits inside `where`, named in the error @default 'selector'
 */
export function validateSelector(selector: LabelSelector | undefined, where: string, field: string = 'selector'): void {
  if (selector === undefined) return;
  if (!isPlainObject(selector)) {
    throw new FederationError(E.SELECTOR_INVALID, where, `${field} must be an object with matchLabels and/or matchExpressions, got ${show(selector)}`,
      'write e.g. { matchLabels: { region: "eu-west-1" } }; omit the selector to select every cluster');
  }
  for (const k of Object.keys(selector)) {
    if (!SELECTOR_FIELDS.includes(k)) {
      throw new FederationError(E.SELECTOR_INVALID, where, `${field} has unknown field ${show(k)}`,
        'a selector has only matchLabels and matchExpressions (mind the capitalisation)');
    }
  }
  const { matchLabels, matchExpressions } = selector;
  if (matchLabels !== undefined) {
    if (!isPlainObject(matchLabels)) {
      throw new FederationError(E.SELECTOR_INVALID, where, `${field}.matchLabels must be a map of label key to value, got ${show(matchLabels)}`,
        'write e.g. matchLabels: { jurisdiction: "eu" }');
    }
    for (const [k, v] of Object.entries(matchLabels)) {
      if (!isLabelKey(k)) {
        throw new FederationError(E.SELECTOR_BAD_KEY, where, `${field}.matchLabels has invalid label key ${show(k)}`, KEY_HINT);
      }
      if (!isLabelValue(v)) {
        throw new FederationError(E.SELECTOR_BAD_VALUE, where, `${field}.matchLabels[${show(k)}] has invalid label value ${show(v)}`, VALUE_HINT);
      }
    }
  }
  if (matchExpressions !== undefined) {
    if (!Array.isArray(matchExpressions)) {
      throw new FederationError(E.SELECTOR_INVALID, where, `${field}.matchExpressions must be a list, got ${show(matchExpressions)}`,
        'write e.g. matchExpressions: [{ key: "region", operator: "In", values: ["eu-west-1"] }]');
    }
    matchExpressions.forEach((req: LabelSelectorRequirement, i: number) => validateRequirement(req, where, `${field}.matchExpressions[${i}]`));
  }
}

function validateRequirement(req: LabelSelectorRequirement, where: string, at: string): void {
  if (!isPlainObject(req)) {
    throw new FederationError(E.SELECTOR_INVALID, where, `${at} must be an object { key, operator, values? }, got ${show(req)}`,
      'write e.g. { key: "region", operator: "In", values: ["eu-west-1"] }');
  }
  for (const k of Object.keys(req)) {
    if (!REQUIREMENT_FIELDS.includes(k)) {
      throw new FederationError(E.SELECTOR_INVALID, where, `${at} has unknown field ${show(k)}`, 'a requirement has only key, operator and values');
    }
  }
  if (!isLabelKey(req.key)) {
    throw new FederationError(E.SELECTOR_BAD_KEY, where, `${at}.key is not a valid label key: ${show(req.key)}`, KEY_HINT);
  }
  if (!OPERATORS.includes(req.operator as string)) {
    throw new FederationError(E.SELECTOR_BAD_OPERATOR, where, `${at}.operator ${show(req.operator)} is not a label selector operator`,
      `use one of ${OPERATORS.join(', ')} (case-sensitive)`);
  }
  const values = req.values;
  if (values !== undefined && !Array.isArray(values)) {
    throw new FederationError(E.SELECTOR_INVALID, where, `${at}.values must be a list of strings, got ${show(values)}`,
      'write e.g. values: ["eu-west-1", "eu-central-1"]');
  }
  if (req.operator === 'In' || req.operator === 'NotIn') {
    if (values === undefined || values.length === 0) {
      throw new FederationError(E.SELECTOR_VALUES_REQUIRED, where, `${at}: operator ${req.operator} on key ${show(req.key)} needs a non-empty values list, got ${show(values)}`,
        `list the values to match, or use operator ${req.operator === 'In' ? 'Exists' : 'DoesNotExist'} to test only for the key`);
    }
    for (const v of values) {
      if (!isLabelValue(v)) {
        throw new FederationError(E.SELECTOR_BAD_VALUE, where, `${at}.values has invalid label value ${show(v)}`, VALUE_HINT);
      }
    }
  } else if (values !== undefined && values.length > 0) {
    throw new FederationError(E.SELECTOR_VALUES_FORBIDDEN, where, `${at}: operator ${req.operator} on key ${show(req.key)} takes no values, got ${show(values)}`,
      `remove values, or use operator ${req.operator === 'Exists' ? 'In' : 'NotIn'} to match specific values`);
  }
}

/**
 * Whether a label set matches a selector, with Kubernetes semantics: every matchLabels
 * pair AND every matchExpressions requirement must hold. `In` needs the key present with
 * one of the values; `NotIn` holds when the key is absent or its value is not listed;
 * `Exists`/`DoesNotExist` test only for the key. An empty (or undefined) selector matches
 * every label set. Validate the selector first (validateSelector); an unknown operator
 * never matches.
 */
export function matchesSelector(labels: Readonly<Record<string, string>>, selector: LabelSelector | undefined): boolean {
  if (selector === undefined) return true;
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) {
    if (!hasOwn(labels, k) || labels[k] !== v) return false;
  }
  for (const req of selector.matchExpressions ?? []) {
    const present = hasOwn(labels, req.key);
    const values = req.values ?? [];
    switch (req.operator) {
      case 'In':
        if (!present || !values.includes(labels[req.key])) return false;
        break;
      case 'NotIn':
        if (present && values.includes(labels[req.key])) return false;
        break;
      case 'Exists':
        if (!present) return false;
        break;
      case 'DoesNotExist':
        if (present) return false;
        break;
      default:
        return false;
    }
  }
  return true;
}

/** A short, stable rendering of a selector for messages. */
export function describeSelector(selector: LabelSelector | undefined): string {
  if (selector === undefined) return '(any)';
  const parts: string[] = [];
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) parts.push(`${k}=${v}`);
  for (const r of selector.matchExpressions ?? []) {
    if (r.operator === 'In' || r.operator === 'NotIn') parts.push(`${r.key} ${r.operator} (${(r.values ?? []).join(',')})`);
    else parts.push(r.operator === 'Exists' ? r.key : `!${r.key}`);
  }
  return parts.length === 0 ? '{} (any)' : `{${parts.join(', ')}}`;
}
