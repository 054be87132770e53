/** A labelled <select> filter whose first choice, "any", means no filter (the empty value). */
export function ChoiceFilter({ label, value, choices, onChange }: { label: string; value: string; choices: readonly string[]; onChange: (value: string) => void }) {
  // A value from the address that is not (or no longer) a choice stays selectable.
  const shown = value === "" || choices.includes(value) ? choices : [value, ...choices];
  return (
    <label>
      {label}{" "}
      <select value={value} onChange={(e) => onChange(e.currentTarget.value)}>
        <option value="">any</option>
        {shown.map((c) => (
          <option key={c} value={c}>
            {c}
          </option>
        ))}
      </select>
    </label>
  );
}
