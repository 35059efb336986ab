package devices

import (
	"context"
	"errors"
	"slices"
	"strings"
	"time"

	"parkd/internal/park"
)

// Lists is where the lot's passes and whitelist come from (the access
// subsystem).
type Lists interface {
	ListPasses(ctx context.Context, partner, lot string) ([]*park.Pass, error) // partner "": the operator
	ListWhitelist(ctx context.Context, lot string) ([]*park.WhitelistEntry, error)
}

// Allowed is a plate a lane lets through on its own while it cannot reach
// parkd, from From until To.
type Allowed struct {
	Plate    string
	From, To time.Time
}

// OfflineList is what a lot's cameras keep to let cars through while
// parkd cannot be reached: the plates of its passes (for their whole
// validity: a camera knows no time slots) and of its whitelist's allow
// entries, not yet expired at now. Deny entries are not loaded: a camera
// on its own opens only for what it holds; a pass's plate that a deny
// entry refuses is held only outside the refusal (beforeOrAfter), as the
// gate refuses it whatever its pass. It returns the lot's time
// zone too, in which cameras read times.
func (s *Service) OfflineList(ctx context.Context, lot string) ([]Allowed, *time.Location, error) {
	if s.lists == nil {
		return nil, nil, park.Errorf(park.EInternal, "no lists wired")
	}
	var l *park.Lot
	if err := s.base.Store.View(ctx, func(tx park.Tx) (err error) { l, err = tx.GetLotSettings(ctx, lot); return }); err != nil {
		return nil, nil, err
	}
	loc, err := time.LoadLocation(l.TimeZone)
	if err != nil {
		return nil, nil, park.Errorf(park.EInternal, "lot %s: time zone %q: %v", lot, l.TimeZone, err)
	}
	now := s.base.Clock()
	passes, err := s.lists.ListPasses(ctx, "", lot)
	if err != nil {
		return nil, nil, err
	}
	wl, err := s.lists.ListWhitelist(ctx, lot)
	if err != nil {
		return nil, nil, err
	}
	// The deny list wins over a pass, as at the gate: a plate refused now
	// or later is not let through while it is refused.
	denied := map[string]*park.WhitelistEntry{}
	for _, w := range wl {
		if w.Kind == park.AccessDeny && w.ValidTo.After(now) {
			denied[w.PlateKey] = w
		}
	}
	var out []Allowed
	for _, p := range passes {
		if !p.ValidTo.After(now) {
			continue
		}
		for i, pl := range p.Plates {
			a := Allowed{Plate: pl, From: p.ValidFrom, To: p.ValidTo}
			if i < len(p.PlateKeys) {
				if d := denied[p.PlateKeys[i]]; d != nil {
					var ok bool
					if a, ok = beforeOrAfter(a, d, now); !ok {
						continue
					}
				}
			}
			out = append(out, a)
		}
	}
	for _, w := range wl {
		if w.Kind == park.AccessAllow && w.ValidTo.After(now) {
			out = append(out, Allowed{Plate: w.Plate, From: w.ValidFrom, To: w.ValidTo})
		}
	}
	return out, loc, nil
}

// beforeOrAfter is the part of a's window that deny entry d (not yet
// over at now) leaves and that is not over at now: before d starts, else
// after it ends. A camera keeps one record a plate, so the part after a
// refusal still to come is loaded by a later full load, once it is over.
func beforeOrAfter(a Allowed, d *park.WhitelistEntry, now time.Time) (Allowed, bool) {
	if before := (Allowed{Plate: a.Plate, From: a.From, To: park.MinTime(a.To, d.ValidFrom)}); before.To.After(now) && before.To.After(before.From) {
		return before, true
	}
	after := Allowed{Plate: a.Plate, From: park.MaxTime(a.From, d.ValidTo), To: a.To}
	return after, after.To.After(after.From)
}

// ListChange is what a lot's cameras are to be told since they were last
// told: plates to hold (with their validity) and plates to drop.
type ListChange struct {
	Lot    string
	Add    []Allowed
	Remove []string
	Loc    *time.Location // the lot's time zone, in which cameras read times
	// UpTo is the last noted change it covers: a camera told this change
	// need not be told it again while no later one came.
	UpTo int64
}

// maxListChanges bounds the noted changes of a lot one ListChanges call
// reads.
const maxListChanges = 1000

// ListChanges turns the pass and list changes noted since the cameras
// were last told (in the transactions of the changes) into what each lot's
// cameras are to do now: each plate touched is looked up in the current
// offline list and either held, with its validity, or dropped. Looking the
// plate up now rather than replaying what happened keeps it right whatever
// order or number of changes came in between (a plate both on a pass and
// the whitelist stays while one of them holds it). A lot whose list
// cannot be read is left out, with its error; the others are returned.
func (s *Service) ListChanges(ctx context.Context) ([]ListChange, error) {
	var noted []park.LaneListChange
	if err := s.base.Store.View(ctx, func(tx park.Tx) (err error) {
		noted, err = tx.ListLaneListChanges(ctx, maxListChanges)
		return err
	}); err != nil {
		return nil, err
	}
	byLot := map[string]*ListChange{}
	touched := map[string]map[string]bool{}
	var out []*ListChange
	for _, n := range noted {
		c := byLot[n.LotCode]
		if c == nil {
			c = &ListChange{Lot: n.LotCode}
			byLot[n.LotCode], touched[n.LotCode] = c, map[string]bool{}
			out = append(out, c)
		}
		c.UpTo = max(c.UpTo, n.Seq)
		touched[n.LotCode][n.Plate] = true
	}
	var res []ListChange
	var errs []error
	for _, c := range out {
		allowed, loc, err := s.OfflineList(ctx, c.Lot)
		if park.IsCode(err, park.ENotFound) {
			continue // lot gone; ListChangeDone is never asked, nothing to tell
		}
		if err != nil {
			errs = append(errs, err) // this lot waits; the others go on
			continue
		}
		c.Loc = loc
		held := map[string]Allowed{}
		for _, a := range allowed {
			if h, ok := held[a.Plate]; !ok || a.To.After(h.To) {
				held[a.Plate] = a // the camera keeps one record a plate: the longest
			}
		}
		for p := range touched[c.Lot] {
			if a, ok := held[p]; ok {
				c.Add = append(c.Add, a)
			} else {
				c.Remove = append(c.Remove, p)
			}
		}
		slices.SortFunc(c.Add, func(a, b Allowed) int { return strings.Compare(a.Plate, b.Plate) })
		slices.Sort(c.Remove)
		res = append(res, *c)
	}
	return res, errors.Join(errs...)
}

// ListChangeDone forgets the changes c was made of: every camera of its
// lot has been told. Changes noted since stay for the next round.
func (s *Service) ListChangeDone(ctx context.Context, c ListChange) error {
	return s.base.Update(ctx, func(tx park.Tx) error { return tx.DeleteLaneListChanges(ctx, c.Lot, c.UpTo) })
}

// TakeListChanges says that this node passes list changes on to cameras
// (a protocol that loads lists is connected); until it is called, Sweep
// forgets the changes no node took within ListChangesKept.
func (s *Service) TakeListChanges() { s.listsTaken.Store(true) }

// ListChangesKept is how long a node without cameras to tell keeps the
// noted list changes: on a shared database another node may have such
// cameras, and passes a change on within a second, or at each round
// while a camera is away (a remove dropped before it would never reach
// the camera: the full loads only add). Past it, no node took them.
const ListChangesKept = 24 * time.Hour

// forgetListChanges drops, when no camera protocol of this node takes
// them, the noted changes older than ListChangesKept, so they do not pile
// up where no node takes them.
func (s *Service) forgetListChanges(ctx context.Context) error {
	if s.listsTaken.Load() {
		return nil
	}
	before := s.base.Clock().Add(-ListChangesKept)
	return s.base.Update(ctx, func(tx park.Tx) error {
		noted, err := tx.ListLaneListChanges(ctx, maxListChanges)
		if err != nil {
			return err
		}
		upTo := map[string]int64{}
		for _, n := range noted {
			if n.At.Before(before) {
				upTo[n.LotCode] = max(upTo[n.LotCode], n.Seq)
			}
		}
		for lot, seq := range upTo {
			if err := tx.DeleteLaneListChanges(ctx, lot, seq); err != nil {
				return err
			}
		}
		return nil
	})
}
