package access

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"parkd/internal/core"
	"parkd/internal/park"
)

// inList reports whether an entry belongs to a list: the whitelist (an
// allowing entry of the operator's lists; a deny entry there is the deny
// list), special vehicles (allowing or refusing), or hotel guests.
func inList(w *park.WhitelistEntry, list string) bool {
	switch list {
	case park.ListSpecial:
		return w.Category == park.ListSpecial
	default:
		return w.Category == list && w.Kind == park.AccessAllow
	}
}

// PutListEntry puts a plate on one of the lot's lists (w.Category; for
// the whitelist w.Kind is allow) in one transaction: a plate already on
// that list has its entry replaced (kind, window, reason), a plate with
// an entry of any other list is a conflict, since a plate has one entry
// per lot. A new entry's window must not have ended. Errors: EInvalid
// (plate, kind, category, window, valid_to: ended, reason),
// ENotFound (lot, or one partner may not use: "" is an operator),
// EConflict (field plate).
func (s *Service) PutListEntry(ctx context.Context, partner, lot string, w *park.WhitelistEntry) (*park.WhitelistEntry, error) {
	w.LotCode = lot
	if err := s.prepareWhitelist(w); err != nil {
		return nil, err
	}
	if w.Category == park.ListWhite && w.Kind != park.AccessAllow {
		return nil, park.Invalid("kind", "a list entry put here allows; a car is refused by a whitelist entry of kind \"deny\", created as any whitelist entry is").Because(park.ReasonNotApplicable)
	}
	var out *park.WhitelistEntry
	err := s.base.Update(ctx, func(tx park.Tx) error {
		now := s.base.Clock()
		if _, err := lotFor(ctx, tx, partner, lot); err != nil {
			return err
		}
		old, err := tx.FindWhitelist(ctx, lot, w.PlateKey)
		switch {
		case park.IsCode(err, park.ENotFound):
			// A new entry whose window is already over would be
			// acknowledged and never let the car through (a mistyped
			// year). An entry's window may still be cut short to a time
			// past: a check-out recorded late.
			if !w.ValidTo.After(now) {
				return park.Invalid("valid_to", "the window ended at %s", w.ValidTo.Format(time.RFC3339)).Because(park.ReasonPast)
			}
			nw := *w
			nw.ID, nw.CreatedAt, nw.UpdatedAt = core.NewID(), now, now
			out = &nw
			if err := tx.CreateWhitelist(ctx, &nw); err != nil {
				return err
			}
			return s.auditList(ctx, tx, "", &nw)
		case err != nil:
			return err
		case !inList(old, w.Category):
			return &park.Error{Code: park.EConflict, Field: "plate",
				Message: fmt.Sprintf("plate %s already has an entry of another list (%s, %s)", w.Plate, listName(old), old.Kind)}
		}
		before := core.Snapshot(old)
		old.Kind, old.ValidFrom, old.ValidTo, old.Reason, old.UpdatedAt = w.Kind, w.ValidFrom, w.ValidTo, w.Reason, now
		out = old
		if err := tx.UpdateWhitelist(ctx, old); err != nil {
			return err
		}
		return s.auditList(ctx, tx, before, old)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// auditList records an operator's put of a list entry (action
// "whitelist.put", "special.put", ...), in the put's transaction.
func (s *Service) auditList(ctx context.Context, tx park.Tx, before string, w *park.WhitelistEntry) error {
	return s.base.Audit(ctx, tx, &park.AuditEntry{At: w.UpdatedAt, Action: listName(w) + ".put", Lot: w.LotCode, Target: w.Plate,
		Reason: w.Reason, Before: before, After: core.Snapshot(w)})
}

func listName(w *park.WhitelistEntry) string {
	if w.Category == park.ListWhite {
		return "whitelist"
	}
	return w.Category
}

// DeleteListEntry removes a plate's entry from one list and returns it.
// partner is the partner that asks ("" : an operator).
// Errors: EInvalid (plate), ENotFound (lot, or one partner may not use;
// field plate: the plate is not on that list).
func (s *Service) DeleteListEntry(ctx context.Context, partner, lot, plateText, list string) (*park.WhitelistEntry, error) {
	_, keys, err := core.Plates("plate", []string{plateText})
	if err != nil {
		return nil, err
	}
	var out *park.WhitelistEntry
	err = s.base.Update(ctx, func(tx park.Tx) error {
		if _, err := lotFor(ctx, tx, partner, lot); err != nil {
			return err
		}
		w, err := tx.FindWhitelist(ctx, lot, keys[0])
		if park.IsCode(err, park.ENotFound) || (err == nil && !inList(w, list)) {
			return &park.Error{Code: park.ENotFound, Field: "plate", Message: "plate " + plateText + " is not on that list"}
		}
		if err != nil {
			return err
		}
		out = w
		if err := keepEntryFree(ctx, tx, w, s.base.Clock()); err != nil {
			return err
		}
		if err := tx.DeleteWhitelist(ctx, w.ID); err != nil {
			return err
		}
		return s.base.Audit(ctx, tx, &park.AuditEntry{Action: listName(w) + ".delete", Lot: lot, Target: w.Plate,
			Before: core.Snapshot(w)})
	})
	return out, err
}

// ListEntries returns the entries of one list of a lot, by plate; with
// plateText only that plate's (none when it is not on the list). partner
// is the partner that asks ("" : an operator).
// Errors: EInvalid (plate), ENotFound (lot, or one partner may not use).
func (s *Service) ListEntries(ctx context.Context, partner, lot, list, plateText string) ([]*park.WhitelistEntry, error) {
	var key string
	if plateText != "" {
		_, keys, err := core.Plates("plate", []string{plateText})
		if err != nil {
			return nil, err
		}
		key = keys[0]
	}
	var all []*park.WhitelistEntry
	err := s.base.View(ctx, func(tx park.Tx) (err error) {
		if _, err := lotFor(ctx, tx, partner, lot); err != nil {
			return err
		}
		all, err = tx.ListWhitelist(ctx, lot)
		return err
	})
	if err != nil {
		return nil, err
	}
	out := make([]*park.WhitelistEntry, 0, len(all))
	for _, w := range all {
		if inList(w, list) && (key == "" || w.PlateKey == key) {
			out = append(out, w)
		}
	}
	slices.SortFunc(out, func(a, b *park.WhitelistEntry) int { return strings.Compare(a.Plate, b.Plate) })
	return out, nil
}

// Special vehicle types: police, ambulance and fire vehicles enter a full
// lot and leave free; a blacklisted car is kept out.
var specialTypes = map[string]string{
	"police": park.AccessAllow, "ambulance": park.AccessAllow, "fire": park.AccessAllow,
	"blacklist": park.AccessDeny,
}

// SpecialTypes lists the special vehicle types, in a stable order.
func SpecialTypes() []string { return []string{"police", "ambulance", "fire", "blacklist"} }

// specialKind checks a special vehicle's entry, whichever API writes it:
// its reason is its type (SpecialTypes), and the type decides its kind,
// which is filled in when empty and refused when it contradicts the type
// (a police car kept out, a blacklisted car let in).
func specialKind(w *park.WhitelistEntry) error {
	kind, ok := specialTypes[w.Reason]
	switch {
	case !ok:
		return park.Invalid("reason", "a special vehicle's reason is its type: one of %s", strings.Join(SpecialTypes(), ", ")).Because(park.ReasonUnknown)
	case w.Kind == "":
		w.Kind = kind
	case w.Kind != kind:
		return park.Invalid("kind", "a %s vehicle is %s", w.Reason, kind).Because(park.ReasonNotApplicable)
	}
	return nil
}

// PutSpecialVehicle puts a plate on the lot's special vehicles as typ
// (its entry's reason). A zero from or to is open-ended: 2000-01-01 or
// 2100-01-01, 00:00 in the lot's zone. The rules, and partner, are
// PutListEntry's.
// Errors: EInvalid (field type, and PutListEntry's), ENotFound, EConflict.
func (s *Service) PutSpecialVehicle(ctx context.Context, partner, lot, plateText, typ string, from, to time.Time) (*park.WhitelistEntry, error) {
	if _, ok := specialTypes[typ]; !ok {
		return nil, park.Invalid("type", "must be one of %s", strings.Join(SpecialTypes(), ", ")).Because(park.ReasonUnknown)
	}
	from, to, err := s.openEnded(ctx, lot, from, to)
	if err != nil {
		return nil, err
	}
	return s.PutListEntry(ctx, partner, lot, &park.WhitelistEntry{Plate: plateText, Category: park.ListSpecial,
		ValidFrom: from, ValidTo: to, Reason: typ})
}

// openEnded fills a zero from or to of an entry's window: 2000-01-01 or
// 2100-01-01, 00:00 in the lot's zone, a window that covers "always".
func (s *Service) openEnded(ctx context.Context, lot string, from, to time.Time) (time.Time, time.Time, error) {
	if !from.IsZero() && !to.IsZero() {
		return from, to, nil
	}
	l, err := s.lotSettings(ctx, lot)
	if err != nil {
		return from, to, err
	}
	if from.IsZero() {
		from = time.Date(2000, 1, 1, 0, 0, 0, 0, l.Location())
	}
	if to.IsZero() {
		to = time.Date(2100, 1, 1, 0, 0, 0, 0, l.Location())
	}
	return from, to, nil
}

func (s *Service) lotSettings(ctx context.Context, lot string) (*park.Lot, error) {
	var l *park.Lot
	err := s.base.View(ctx, func(tx park.Tx) (err error) { l, err = tx.GetLotSettings(ctx, lot); return })
	return l, err
}

// InternalCar is what a lot knows of a plate: its pass and its list
// entry, each with whether it is valid now, and whether the car is
// internal: whether the gate would let it in free now, by the same rule
// (At) it applies at entry, capacity aside. A car inside on its pass
// holds one of the pass's spaces, so it stays internal.
type InternalCar struct {
	Plate      string
	Pass       *park.Pass
	PassValid  bool
	Entry      *park.WhitelistEntry
	EntryValid bool
	Internal   bool
	At         time.Time
}

// FindInternalCar reads a plate's pass, list entry and standing at once,
// for partner ("" : an operator).
// Errors: EInvalid (plate), ENotFound (lot, or one partner may not use).
func (s *Service) FindInternalCar(ctx context.Context, partner, lot, plateText string) (*InternalCar, error) {
	texts, keys, err := core.Plates("plate", []string{plateText})
	if err != nil {
		return nil, err
	}
	now := s.base.Clock()
	out := &InternalCar{Plate: texts[0], At: now}
	err = s.base.View(ctx, func(tx park.Tx) error {
		l, err := lotFor(ctx, tx, partner, lot)
		if err != nil {
			return err
		}
		if out.Pass, err = tx.FindPassByPlate(ctx, lot, keys[0]); err == nil {
			out.PassValid = out.Pass.ValidAt(now)
		} else if !park.IsCode(err, park.ENotFound) {
			return err
		}
		if out.Entry, err = tx.FindWhitelist(ctx, lot, keys[0]); err == nil {
			out.EntryValid = out.Entry.ValidAt(now)
		} else if !park.IsCode(err, park.ENotFound) {
			return err
		}
		self, err := tx.FindInside(ctx, lot, keys[0])
		if err != nil && !park.IsCode(err, park.ENotFound) {
			return err
		}
		st, err := standing(ctx, tx, l, keys[0], now, self)
		if err != nil {
			return err
		}
		out.Internal = !st.Denied && (st.Allowed || st.PassAdmits)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
