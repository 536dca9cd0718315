"use client";
import { useState } from "react";

/** Chosen entries: a set of ids, or "everything the filters match" (which the server resolves, loaded or not). */
export interface SelectionState {
  allMatching: boolean;
  ids: ReadonlySet<string>;
}

const NONE: SelectionState = { allMatching: false, ids: new Set() };

/**
 * Checkbox selection over an ordered list: a click toggles one entry, a shift-click sets every entry between the
 * last clicked one and this one to the clicked entry's new state. `scope` names the list; a new scope (other
 * filters) starts empty, so a selection never reaches entries the person cannot see.
 */
export function useSelection(order: readonly string[], scope: string) {
  const [state, setState] = useState({ scope, selection: NONE, anchor: null as string | null });
  const current = state.scope === scope ? state : { scope, selection: NONE, anchor: null };
  const { selection, anchor } = current;

  const isSelected = (id: string) => selection.allMatching || selection.ids.has(id);

  const toggle = (id: string, range: boolean) => {
    const ids = new Set(selection.allMatching ? order : selection.ids);
    const select = !isSelected(id);
    const from = range && anchor !== null ? order.indexOf(anchor) : -1;
    const to = order.indexOf(id);
    const span = from >= 0 && to >= 0 ? order.slice(Math.min(from, to), Math.max(from, to) + 1) : [id];
    for (const each of span) {
      if (select) ids.add(each);
      else ids.delete(each);
    }
    setState({ scope, selection: { allMatching: false, ids }, anchor: id });
  };

  return {
    selection,
    isSelected,
    toggle,
    selectAllMatching: () => setState({ scope, selection: { allMatching: true, ids: new Set() }, anchor: null }),
    clear: () => setState({ scope, selection: NONE, anchor: null }),
    /** Forgets entries that are gone (deleted), keeping the rest chosen. */
    drop: (gone: readonly string[]) =>
      setState({
        scope,
        selection: { allMatching: false, ids: new Set([...selection.ids].filter((id) => !gone.includes(id))) },
        anchor: null,
      }),
  };
}
