import { type FormEvent, useState } from 'react';

/**
 * A form's submit: the page stays (no browser navigation), `busy` while the action runs, and the action's error
 * (the server's message) kept to show until the next try.
 */
export function useFormSubmit(action: () => Promise<void>) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await action();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return { busy, error, submit };
}
