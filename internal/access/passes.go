package access

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"parkd/internal/core"
	"parkd/internal/park"
)

// preparePass normalises and validates p; a pass given only its end
// starts now, as a whitelist entry does.
func (s *Service) preparePass(p *park.Pass) error {
	if p.ValidFrom.IsZero() {
		p.ValidFrom = s.base.Clock()
	}
	var err error
	if p.Plates, p.PlateKeys, err = core.Plates("plates", p.Plates); err != nil {
		return err
	}
	if p.Spaces == 0 {
		p.Spaces = len(p.Plates)
	}
	p.ValidFrom = p.ValidFrom.UTC().Truncate(park.Precision)
	p.ValidTo = p.ValidTo.UTC().Truncate(park.Precision)
	return p.Validate()
}

// CreatePass stores a monthly pass for a lot, for partner ("" : an
// operator) (EInvalid, ENotFound for the lot or one partner may not use,
// EConflict when one of its plates already holds a pass there, or with
// field user_code when its user code already names a pass of the lot).
// A resend of a create that was served (a pass of the lot was created
// with these plates and every detail asked for, whatever renewals or
// edits, of its plates too, changed since: sameCreate) returns that pass
// as it is and changes nothing: a caller tells it from a new pass as the
// result is not p.
func (s *Service) CreatePass(ctx context.Context, partner, lot string, p *park.Pass) (*park.Pass, error) {
	p.LotCode = lot
	startGiven := !p.ValidFrom.IsZero()
	if err := s.preparePass(p); err != nil {
		return nil, err
	}
	now := s.base.Clock()
	p.ID, p.CreatedAt, p.UpdatedAt = core.NewID(), now, now
	asked := requestOf(p)
	p.CreatedAs, p.CreatedKey = asked.encode(), asked.key(startGiven)
	out := p
	// Retried on conflict: a pass created meanwhile with the same user
	// code (the unique index refuses the second) is then seen and named.
	err := s.base.Update(ctx, func(tx park.Tx) error {
		out = p
		if _, err := lotFor(ctx, tx, partner, lot); err != nil {
			return err
		}
		if prev, err := sameCreate(ctx, tx, p, startGiven); err != nil || prev != nil {
			out = prev
			return err
		}
		if err := userCodeFree(ctx, tx, p); err != nil {
			return err
		}
		if err := lockPlans(ctx, tx, lot, p.Plan); err != nil {
			return err
		}
		if err := applyPlan(ctx, tx, p); err != nil {
			return err
		}
		return tx.CreatePass(ctx, p)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// sameCreate returns the lot's pass that p's create already made: the
// newest made by a create of p's key (p.CreatedKey: the same request),
// however its plates were edited since; else, for a pass made before the
// key was kept, the one holding p's first plate, when its create asked for
// exactly p's plates and the details p asks for (its start only when
// given, as an absent one is "now"). Plates are unique in a lot, so no
// other pass could be p's.
func sameCreate(ctx context.Context, tx park.Tx, p *park.Pass, startGiven bool) (*park.Pass, error) {
	asked := requestOf(p)
	prev, err := tx.FindPassByCreatedKey(ctx, p.LotCode, p.CreatedKey)
	switch {
	case err == nil && askedFor(prev).same(asked, startGiven):
		return prev, nil
	case err != nil && !park.IsCode(err, park.ENotFound):
		return nil, err
	}
	prev, err = tx.FindPassByPlate(ctx, p.LotCode, p.PlateKeys[0])
	if park.IsCode(err, park.ENotFound) {
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	if !askedFor(prev).same(asked, startGiven) {
		return nil, nil
	}
	return prev, nil
}

// passRequest is what a pass create asks for, as a resend is compared
// with it. It is kept with the pass (park.Pass.CreatedAs) because a
// renewal or an edit leaves no record of the end or plan it replaced.
type passRequest struct {
	Holder   string    `json:"holder"`
	Mobile   string    `json:"mobile,omitempty"`
	UserCode string    `json:"user_code,omitempty"`
	Spaces   int       `json:"spaces"`
	Plan     string    `json:"plan,omitempty"`
	From     time.Time `json:"from"`
	To       time.Time `json:"to"`
	Plates   []string  `json:"plates"` // plate keys, sorted: their order is not the request's
}

// requestOf is what p, prepared, asks for.
func requestOf(p *park.Pass) passRequest {
	return passRequest{Holder: p.HolderName, Mobile: p.Mobile, UserCode: p.UserCode, Spaces: p.Spaces, Plan: p.Plan,
		From: p.ValidFrom, To: p.ValidTo, Plates: sortedCopy(p.PlateKeys)}
}

func (r passRequest) encode() string {
	b, _ := json.Marshal(r) // strings, an int and times: cannot fail
	return string(b)
}

// key is what a create asking for r is known by (park.Pass.CreatedKey):
// r's canonical form, its start only when the create gave one (a resend
// of a create without a start gives none either, and its "now" is
// another), hashed to a fixed length for the store's index.
func (r passRequest) key(startGiven bool) string {
	if !startGiven {
		r.From = time.Time{}
	}
	sum := sha256.Sum256([]byte(r.encode()))
	return hex.EncodeToString(sum[:])
}

// askedFor is what the create of stored pass p asked for: the request it
// kept, else (a pass made before it was kept, or by a list sync) the
// pass as it is now.
func askedFor(p *park.Pass) passRequest {
	var r passRequest
	if p.CreatedAs != "" && json.Unmarshal([]byte(p.CreatedAs), &r) == nil {
		return r
	}
	return requestOf(p)
}

// same reports whether o asks for what r asked for; the start counts
// only when o's create gave one.
func (r passRequest) same(o passRequest, startGiven bool) bool {
	return r.Holder == o.Holder && r.Mobile == o.Mobile && r.UserCode == o.UserCode && r.Spaces == o.Spaces &&
		r.Plan == o.Plan && r.To.Equal(o.To) && (!startGiven || r.From.Equal(o.From)) && slices.Equal(r.Plates, o.Plates)
}

func sortedCopy(s []string) []string {
	c := slices.Clone(s)
	slices.Sort(c)
	return c
}

// userCodeFree refuses a pass whose user code names another pass of its
// lot: a user code is how a partner's system names its holder's pass.
func userCodeFree(ctx context.Context, tx park.Tx, p *park.Pass) error {
	if p.UserCode == "" {
		return nil
	}
	other, err := tx.FindPassByUserCode(ctx, p.LotCode, p.UserCode)
	switch {
	case park.IsCode(err, park.ENotFound):
		return nil
	case err != nil:
		return err
	case other.ID != p.ID:
		return &park.Error{Code: park.EConflict, Field: "user_code",
			Message: fmt.Sprintf("user code %q already names pass %s of this lot", p.UserCode, other.ID)}
	}
	return nil
}

// GetPass returns a pass of a lot (ENotFound for another lot's pass).
func (s *Service) GetPass(ctx context.Context, lot, id string) (*park.Pass, error) {
	var p *park.Pass
	err := s.base.View(ctx, func(tx park.Tx) (err error) {
		p, err = getPassOf(ctx, tx, lot, id)
		return err
	})
	return p, err
}

func getPassOf(ctx context.Context, tx park.Tx, lot, id string) (*park.Pass, error) {
	p, err := tx.GetPass(ctx, id)
	if err == nil && p.LotCode != lot {
		return nil, park.Errorf(park.ENotFound, "pass %q not found", id)
	}
	return p, err
}

// UpdatePass applies patch to a pass and stores it if it still validates.
func (s *Service) UpdatePass(ctx context.Context, lot, id string, patch func(*park.Pass) error) (*park.Pass, error) {
	return s.UpdatePassBy(ctx, "", lot, PassRef{ID: id}, patch)
}

// UpdatePassBy is UpdatePass for the pass a reference names, found and
// changed in one transaction, for partner ("" : an operator; a lot the
// partner may not use is not found, core.PartnerLot).
func (s *Service) UpdatePassBy(ctx context.Context, partner, lot string, ref PassRef, patch func(*park.Pass) error) (*park.Pass, error) {
	var out *park.Pass
	err := s.base.Update(ctx, func(tx park.Tx) error {
		if err := core.PartnerLot(ctx, tx, partner, lot); err != nil {
			return err
		}
		p, err := findPass(ctx, tx, lot, ref)
		if err != nil {
			return err
		}
		before := *p
		id, oldPlan, oldSpaces := p.ID, p.Plan, p.Spaces
		spacesWereDefault := p.Spaces == len(p.Plates)
		if err := patch(p); err != nil {
			return err
		}
		if p.ID != id || p.LotCode != lot {
			return park.Invalid("id", "cannot be changed")
		}
		// The patch left spaces as they were: a space per plate (the
		// default) stays one per plate as plates are added or removed; a
		// smaller count stays, lowered to the plates left when fewer.
		// Spaces the patch changed are checked.
		if p.Spaces == oldSpaces && (spacesWereDefault || p.Spaces > len(p.Plates)) {
			p.Spaces = len(p.Plates)
		}
		if err := s.preparePass(p); err != nil {
			return err
		}
		if err := userCodeFree(ctx, tx, p); err != nil {
			return err
		}
		// p was read before the lock: a slot change committed meanwhile
		// bumped its version, and the write below is then retried.
		if err := lockPlans(ctx, tx, lot, oldPlan, p.Plan); err != nil {
			return err
		}
		if err := applyPlan(ctx, tx, p); err != nil {
			return err
		}
		p.UpdatedAt = s.base.Clock()
		out = p
		if err := coverFromNow(ctx, tx, &before, p, p.UpdatedAt); err != nil {
			return err
		}
		return tx.UpdatePass(ctx, p)
	})
	return out, err
}

// DeletePass removes a pass; a car inside holding one of its spaces keeps
// the free time the pass gave it until now (KeptFree, kept.go) and pays
// from the deletion on, as when the pass ends.
func (s *Service) DeletePass(ctx context.Context, lot, id string) error {
	_, err := s.DeletePassBy(ctx, "", lot, PassRef{ID: id})
	return err
}

// DeletePassBy is DeletePass for the pass a reference names, found and
// removed in one transaction; it returns the pass removed. partner is
// the partner that asks ("" : an operator; a lot the partner may not use
// is not found, core.PartnerLot).
func (s *Service) DeletePassBy(ctx context.Context, partner, lot string, ref PassRef) (*park.Pass, error) {
	var out *park.Pass
	err := s.base.Update(ctx, func(tx park.Tx) error {
		if err := core.PartnerLot(ctx, tx, partner, lot); err != nil {
			return err
		}
		p, err := findPassAll(ctx, tx, lot, ref)
		if err != nil {
			return err
		}
		out = p
		if err := keepPassFree(ctx, tx, p, s.base.Clock()); err != nil {
			return err
		}
		return tx.DeletePass(ctx, p.ID)
	})
	return out, err
}

// ListPasses returns a lot's passes, for partner ("" : an operator).
// Errors: ENotFound (lot, or one partner may not use).
func (s *Service) ListPasses(ctx context.Context, partner, lot string) ([]*park.Pass, error) {
	var out []*park.Pass
	err := s.base.View(ctx, func(tx park.Tx) error {
		if _, err := lotFor(ctx, tx, partner, lot); err != nil {
			return err
		}
		var err error
		out, err = tx.ListPasses(ctx, lot)
		return err
	})
	return out, err
}

func (s *Service) prepareWhitelist(w *park.WhitelistEntry) error {
	texts, keys, err := core.Plates("plate", []string{w.Plate})
	if err != nil {
		return err
	}
	w.Plate, w.PlateKey = texts[0], keys[0]
	switch w.Category {
	case park.ListSpecial:
		if err := specialKind(w); err != nil {
			return err
		}
	case park.ListHotel:
		// A hotel guest's car parks free while the guest stays: refusing
		// a car is the deny list's, not the hotel's.
		if w.Kind == park.AccessDeny {
			return park.Invalid("kind", "a hotel guest's car is let in while the guest stays: kind is allow").Because(park.ReasonNotApplicable)
		}
		// The room says whose guest the car is: required, and short.
		w.Reason = strings.TrimSpace(w.Reason)
		if n := utf8.RuneCountInString(w.Reason); n == 0 || n > park.MaxRoomLen {
			return park.Invalid("reason", "a hotel car's room is 1-%d characters", park.MaxRoomLen).
				Because(park.ReasonLength, "1", strconv.Itoa(park.MaxRoomLen))
		}
	}
	if w.Kind == "" {
		w.Kind = park.AccessAllow
	}
	w.ValidFrom = w.ValidFrom.UTC().Truncate(park.Precision)
	w.ValidTo = w.ValidTo.UTC().Truncate(park.Precision)
	return w.Validate()
}

// CreateWhitelist stores a whitelist (or deny) entry, valid from now when
// it names no start, audited in the same transaction (EInvalid, valid_to
// too when the window has already ended; ENotFound, EConflict when the
// plate already has an entry in the lot).
func (s *Service) CreateWhitelist(ctx context.Context, lot string, w *park.WhitelistEntry) (*park.WhitelistEntry, error) {
	w.LotCode = lot
	now := s.base.Clock()
	if w.ValidFrom.IsZero() {
		w.ValidFrom = now // an entry given only its end applies from now
	}
	if err := s.prepareWhitelist(w); err != nil {
		return nil, err
	}
	// As PutListEntry's: a new entry whose window is already over would
	// be acknowledged and never let its car in, or keep it out (a
	// mistyped year).
	if !w.ValidTo.After(now) {
		return nil, park.Invalid("valid_to", "the window ended at %s", w.ValidTo.Format(time.RFC3339)).Because(park.ReasonPast)
	}
	w.ID, w.CreatedAt, w.UpdatedAt = core.NewID(), now, now
	err := s.base.Write(ctx, func(tx park.Tx) error {
		if _, err := tx.GetLotSettings(ctx, lot); err != nil {
			return err
		}
		if err := tx.CreateWhitelist(ctx, w); err != nil {
			return err
		}
		return s.auditList(ctx, tx, "", w)
	})
	return w, err
}

func getWhitelistOf(ctx context.Context, tx park.Tx, lot, id string) (*park.WhitelistEntry, error) {
	w, err := tx.GetWhitelist(ctx, id)
	if err == nil && w.LotCode != lot {
		return nil, park.Errorf(park.ENotFound, "whitelist entry %q not found", id)
	}
	return w, err
}

// GetWhitelist returns one entry of a lot.
func (s *Service) GetWhitelist(ctx context.Context, lot, id string) (*park.WhitelistEntry, error) {
	var w *park.WhitelistEntry
	err := s.base.View(ctx, func(tx park.Tx) (err error) {
		w, err = getWhitelistOf(ctx, tx, lot, id)
		return err
	})
	return w, err
}

// UpdateWhitelist applies patch to an entry and stores it if it
// validates, audited in the same transaction.
func (s *Service) UpdateWhitelist(ctx context.Context, lot, id string, patch func(*park.WhitelistEntry) error) (*park.WhitelistEntry, error) {
	var out *park.WhitelistEntry
	err := s.base.Update(ctx, func(tx park.Tx) error {
		w, err := getWhitelistOf(ctx, tx, lot, id)
		if err != nil {
			return err
		}
		before := core.Snapshot(w)
		if err := patch(w); err != nil {
			return err
		}
		if w.ID != id || w.LotCode != lot {
			return park.Invalid("id", "cannot be changed")
		}
		if err := s.prepareWhitelist(w); err != nil {
			return err
		}
		w.UpdatedAt = s.base.Clock()
		out = w
		if err := tx.UpdateWhitelist(ctx, w); err != nil {
			return err
		}
		return s.auditList(ctx, tx, before, w)
	})
	return out, err
}

// DeleteWhitelist removes an entry, audited in the same transaction.
func (s *Service) DeleteWhitelist(ctx context.Context, lot, id string) error {
	return s.deleteWhitelist(ctx, lot, id, "", nil)
}

// CreateDenyEntry refuses a plate in a lot: a whitelist entry of kind
// deny, made as CreateWhitelist makes one. A zero from or to is
// open-ended, as PutSpecialVehicle's.
// Errors: EInvalid (plate, valid_to, reason), ENotFound (lot), EConflict
// (the plate already has an entry in the lot).
func (s *Service) CreateDenyEntry(ctx context.Context, lot, plateText string, from, to time.Time, reason string) (*park.WhitelistEntry, error) {
	from, to, err := s.openEnded(ctx, lot, from, to)
	if err != nil {
		return nil, err
	}
	return s.CreateWhitelist(ctx, lot, &park.WhitelistEntry{Plate: plateText, Kind: park.AccessDeny, Category: park.ListWhite,
		ValidFrom: from, ValidTo: to, Reason: reason})
}

// DeleteDenyEntry removes a deny entry of the operator's lists, as
// DeleteWhitelist does; another entry (an allowed plate, a special
// vehicle) is not the deny list's to remove.
// Errors: ENotFound (lot, or no deny entry of that id in the lot).
func (s *Service) DeleteDenyEntry(ctx context.Context, lot, id string) error {
	return s.deleteWhitelist(ctx, lot, id, "deny entry", func(w *park.WhitelistEntry) bool {
		return w.Category == park.ListWhite && w.Kind == park.AccessDeny
	})
}

// DeleteAllowEntry removes an allowed plate of the operator's whitelist,
// as DeleteDenyEntry removes a refused one; another entry (a refusal, a
// special vehicle, a hotel guest) is not the whitelist's to remove.
// Errors: ENotFound (lot, or no whitelist entry of that id in the lot).
func (s *Service) DeleteAllowEntry(ctx context.Context, lot, id string) error {
	return s.deleteWhitelist(ctx, lot, id, "whitelist entry", func(w *park.WhitelistEntry) bool {
		return w.Category == park.ListWhite && w.Kind == park.AccessAllow
	})
}

// deleteWhitelist removes an entry of lot, when only (if any) says it may.
// what names the entries only allows, when one is not.
func (s *Service) deleteWhitelist(ctx context.Context, lot, id, what string, only func(*park.WhitelistEntry) bool) error {
	return s.base.Update(ctx, func(tx park.Tx) error {
		w, err := getWhitelistOf(ctx, tx, lot, id)
		if err != nil {
			return err
		}
		if only != nil && !only(w) {
			return park.Errorf(park.ENotFound, "%s %q not found", what, id)
		}
		if err := keepEntryFree(ctx, tx, w, s.base.Clock()); err != nil {
			return err
		}
		if err := tx.DeleteWhitelist(ctx, id); err != nil {
			return err
		}
		return s.base.Audit(ctx, tx, &park.AuditEntry{Action: listName(w) + ".delete", Lot: lot, Target: w.Plate,
			Before: core.Snapshot(w)})
	})
}

// ListWhitelist returns a lot's entries.
func (s *Service) ListWhitelist(ctx context.Context, lot string) ([]*park.WhitelistEntry, error) {
	var out []*park.WhitelistEntry
	err := s.base.View(ctx, func(tx park.Tx) error {
		if _, err := tx.GetLotSettings(ctx, lot); err != nil {
			return err
		}
		var err error
		out, err = tx.ListWhitelist(ctx, lot)
		return err
	})
	return out, err
}

// PassByPlate returns the pass of a lot that holds a plate (any readable
// form of it). Errors: EInvalid (field plate), ENotFound.
func (s *Service) PassByPlate(ctx context.Context, lot, plateText string) (*park.Pass, error) {
	_, keys, err := core.Plates("plate", []string{plateText})
	if err != nil {
		return nil, err
	}
	var p *park.Pass
	err = s.base.View(ctx, func(tx park.Tx) (err error) {
		p, err = tx.FindPassByPlate(ctx, lot, keys[0])
		return err
	})
	return p, err
}
