/**
 * What a command prints with `--json` is built from an allow-list of fields: a field nobody listed (a
 * secret a result carries for the window, say) never reaches stdout, whatever a workflow adds later.
 */

type Scalar = string | number | boolean | bigint | null | undefined;

type Obj<T> = Exclude<NonNullable<T>, Scalar>;

/**
 * The fields of a value of type `T`, each decided on: `true` for a scalar (or a list of scalars), an
 * object naming every field of an object (for a list of objects, of each element) with its own shape or
 * `false` (left out), or `'scalars'` for a record of free-form details, of which only the scalar values
 * (and lists of scalars) are kept. Every field must be named, so a field added to a result later is a
 * type error here until someone decides whether it is shown.
 */
export type Shape<T> = [Obj<T>] extends [never]
  ? true
  : Obj<T> extends readonly (infer E)[]
    ? Shape<E>
    : { readonly [K in AllKeys<Obj<T>>]: Shape<ValueAt<Obj<T>, K>> | false } | 'scalars';

/** Every key of every member of a union (a result of several kinds names the fields of each). */
type AllKeys<T> = T extends unknown ? keyof T : never;
type ValueAt<T, K extends PropertyKey> = T extends unknown ? (K extends keyof T ? T[K] : never) : never;

/** The object form of a shape, for allow-lists that extend another one. */
export type Fields<T> = Exclude<Shape<T>, 'scalars' | true>;

function isScalar(v: unknown): boolean {
  return v === null || (typeof v !== 'object' && typeof v !== 'function');
}

function keep(value: unknown, shape: unknown): unknown {
  if (Array.isArray(value)) return value.map((v) => keep(v, shape)).filter((v) => v !== undefined);
  if (isScalar(value)) return value;
  if (shape === true) return undefined; // an object where a scalar was listed: left out
  if (shape === 'scalars') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      if (isScalar(v)) out[k] = v;
      else if (Array.isArray(v) && v.every(isScalar)) out[k] = [...(v as unknown[])];
    }
    return out;
  }
  const out: Record<string, unknown> = {};
  for (const [k, s] of Object.entries(shape as Record<string, unknown>)) {
    const v = (value as Record<string, unknown>)[k];
    if (v === undefined || s === undefined || s === false) continue;
    const kept = keep(v, s);
    if (kept !== undefined) out[k] = kept;
  }
  return out;
}

/** The listed fields of `value`, and only those. */
export function shown<T>(value: T, shape: Shape<T>): unknown {
  return keep(value, shape);
}

/** `--json` text of the listed fields of `value` (indented, one trailing line feed). */
export function jsonShown<T>(value: T, shape: Shape<T>, indent: number | undefined = 2): string {
  return JSON.stringify(shown(value, shape), null, indent) + '\n';
}
