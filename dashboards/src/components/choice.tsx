/**
 * A <select> whose first choice comes from the URL. Preact sets `defaultValue` on the
 * select before its options exist, so the browser falls back to the first option; the
 * `selected` attribute of the option survives that, and unlike `value` it is not
 * written back on every render (a person's pick stays until they submit).
 */
export function Choice({ id, value, options, any }: { id: string; value: string | null | undefined; options: readonly (string | readonly [string, string])[]; any?: string }) {
  const pairs = options.map((o) => (typeof o === 'string' ? ([o, o] as const) : o));
  return (
    <select id={id} name={id}>
      {any !== undefined ? <option value="" selected={!value}>{any}</option> : null}
      {pairs.map(([v, label]) => <option key={v} value={v} selected={v === value}>{label}</option>)}
    </select>
  );
}
