"use client";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { describedBy, Field } from "@/components/ui/field";
import { Input, Textarea } from "@/components/ui/input";
import { RequestId } from "@/components/ui/request-id";
import { ELEMENT_LIMITS } from "@/lib/evolink/element-contract";
import { formatCredits } from "@/lib/generation/pricing";
import { promptLength } from "@/lib/generation/rules";
import { useElementForm } from "@/lib/client/use-element-form";
import { ElementImagesInput } from "./element-images-input";
import { ErrorDetails } from "./error-details";

const COST = `Creating an element costs ${formatCredits(ELEMENT_LIMITS.credits)} credit ($${ELEMENT_LIMITS.usdPerCreation.toFixed(3)}) on Evolink, refunded if it fails. It takes a few minutes; you can keep working meanwhile.`;

function imagesError(errors: Record<string, string>): string | undefined {
  const extra = Object.entries(errors).find(([path]) => path.startsWith("extraImageUrls."));
  return (
    errors.frontalImageUrl ??
    errors.extraImageUrls ??
    (extra && `Extra angle ${Number(extra[0].split(".")[1]) + 1}: ${extra[1]}`)
  );
}

/** New element: a name, a description, a frontal image and one to three more angles (files or links). */
export function ElementForm({ onDone }: { onDone: () => void }) {
  const form = useElementForm(onDone);
  const { errors } = form;
  return (
    <form
      noValidate
      aria-label="New element"
      className="flex flex-col gap-4 rounded-xl border border-zinc-200 p-4 dark:border-zinc-800"
      onSubmit={(event) => {
        event.preventDefault();
        void form.submit();
      }}
    >
      <Field
        id="element-name"
        label="Element name"
        error={errors.name}
        aside={
          <Counter length={promptLength(form.name)} max={ELEMENT_LIMITS.nameMaxChars} testId="element-name-counter" />
        }
      >
        <Input
          id="element-name"
          value={form.name}
          placeholder="Captain Mara"
          aria-invalid={Boolean(errors.name)}
          aria-describedby={describedBy("element-name", errors.name)}
          onChange={(event) => form.setName(event.target.value)}
        />
      </Field>
      <Field
        id="element-description"
        label="Element description"
        error={errors.description}
        aside={<Counter length={promptLength(form.description)} max={ELEMENT_LIMITS.descriptionMaxChars} />}
      >
        <Textarea
          id="element-description"
          rows={2}
          value={form.description}
          placeholder="A weathered sea captain in a navy coat with brass buttons"
          aria-invalid={Boolean(errors.description)}
          aria-describedby={describedBy("element-description", errors.description)}
          onChange={(event) => form.setDescription(event.target.value)}
        />
      </Field>
      <ElementImagesInput form={form} error={imagesError(errors)} />
      <p data-testid="element-cost" className="text-xs text-zinc-600 dark:text-zinc-400">
        {COST}
      </p>
      {form.failure && (
        <Alert tone="error" live testId="element-form-error" title={form.failure.message}>
          <ErrorDetails error={form.failure} />
          <RequestId id={form.failure.requestId} />
        </Alert>
      )}
      {form.waitingFor && <p className="text-right text-xs text-amber-700 dark:text-amber-300">{form.waitingFor}</p>}
      <div className="flex justify-end gap-2">
        <Button variant="secondary" onClick={onDone}>
          Cancel
        </Button>
        <Button type="submit" disabled={form.pending || Boolean(form.waitingFor)}>
          {form.pending ? "Creating…" : "Create element"}
        </Button>
      </div>
    </form>
  );
}

function Counter({ length, max, testId }: { length: number; max: number; testId?: string }) {
  const over = length > max;
  return (
    <span
      data-testid={testId}
      className={`text-xs tabular-nums ${over ? "font-semibold text-red-600 dark:text-red-400" : "text-zinc-500 dark:text-zinc-400"}`}
    >
      {length} / {max}
    </span>
  );
}
