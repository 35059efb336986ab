package access

import (
	"context"

	"parkd/internal/core"
	"parkd/internal/park"
	"parkd/internal/plate"
)

// pageAfter checks an id cursor: one that is not an id would read as an
// empty last page, and the client would stop early without knowing.
func pageAfter(after, what string) error {
	if after != "" && !core.IsID(after) {
		return park.Invalid("after", "%q is not a %s id: pass the next of the previous page", after, what).Because(park.ReasonFormat)
	}
	return nil
}

// PassPage returns one page of a lot's passes in id order, those after
// the id after ("" from the start), at most limit (0: core.DefaultPage), and
// whether more follow. Ids are time-ordered: a pass added while a client
// pages comes after the pages already read, one deleted is not returned
// again, and the others come each exactly once. partner is the partner
// that asks ("" : an operator).
// Errors: EInvalid (limit, after), ENotFound (lot, or one partner may not use).
func (s *Service) PassPage(ctx context.Context, partner, lot, after string, limit int) ([]*park.Pass, bool, error) {
	limit, err := core.PageLimit(limit)
	if err != nil {
		return nil, false, err
	}
	if err := pageAfter(after, "pass"); err != nil {
		return nil, false, err
	}
	var out []*park.Pass
	err = s.base.View(ctx, func(tx park.Tx) error {
		if _, err := lotFor(ctx, tx, partner, lot); err != nil {
			return err
		}
		var err error
		out, err = tx.ListPassPage(ctx, park.PageFilter{LotCode: lot, AfterID: after, Limit: limit + 1})
		return err
	})
	if err != nil {
		return nil, false, err
	}
	out, more := core.Page(out, limit)
	return out, more, nil
}

// WhitelistPage returns one page of a lot's whitelist entries (every
// list), as PassPage does passes.
// Errors: EInvalid (limit, after), ENotFound (lot).
func (s *Service) WhitelistPage(ctx context.Context, lot, after string, limit int) ([]*park.WhitelistEntry, bool, error) {
	limit, err := core.PageLimit(limit)
	if err != nil {
		return nil, false, err
	}
	if err := pageAfter(after, "whitelist entry"); err != nil {
		return nil, false, err
	}
	var out []*park.WhitelistEntry
	err = s.base.View(ctx, func(tx park.Tx) error {
		if _, err := tx.GetLotSettings(ctx, lot); err != nil {
			return err
		}
		var err error
		out, err = tx.ListWhitelistPage(ctx, park.PageFilter{LotCode: lot, AfterID: after, Limit: limit + 1})
		return err
	})
	if err != nil {
		return nil, false, err
	}
	out, more := core.Page(out, limit)
	return out, more, nil
}

// EntryPage returns one page of one list of a lot (as ListEntries: the
// whitelist's allowing entries, special vehicles, hotel guests) in plate
// key order, those whose key sorts after afterKey ("" from the start; the
// key of the previous page's last entry, its PlateKey), at most limit (0:
// core.DefaultPage), and whether more follow. The plate key of each entry is
// unique in its lot, so every entry there from the first page to the last
// comes exactly once. partner is the partner that asks ("" : an operator).
// Errors: EInvalid (limit, after, list), ENotFound (lot, or one partner may not use).
func (s *Service) EntryPage(ctx context.Context, partner, lot, list, afterKey string, limit int) ([]*park.WhitelistEntry, bool, error) {
	limit, err := core.PageLimit(limit)
	if err != nil {
		return nil, false, err
	}
	f := park.EntryFilter{LotCode: lot, Category: list, AfterPlateKey: afterKey, Limit: limit + 1}
	switch list {
	case park.ListWhite, park.ListHotel:
		f.Kind = park.AccessAllow // inList: a deny entry of the operator's lists is the deny list
	case park.ListSpecial:
	default:
		return nil, false, park.Invalid("list", "must be empty, %q or %q", park.ListSpecial, park.ListHotel).Because(park.ReasonUnknown)
	}
	return s.entryPage(ctx, partner, f, limit)
}

// DenyPage returns one page of a lot's deny list (the refusing entries of
// the operator's lists; a blacklisted special vehicle is the special
// vehicles' page's), as EntryPage does the other lists.
// Errors: EInvalid (limit, after), ENotFound (lot, or one partner may not use).
func (s *Service) DenyPage(ctx context.Context, partner, lot, afterKey string, limit int) ([]*park.WhitelistEntry, bool, error) {
	limit, err := core.PageLimit(limit)
	if err != nil {
		return nil, false, err
	}
	return s.entryPage(ctx, partner, park.EntryFilter{LotCode: lot, Category: park.ListWhite, Kind: park.AccessDeny,
		AfterPlateKey: afterKey, Limit: limit + 1}, limit)
}

// entryPage reads the page f of a list, f.Limit one more than limit to
// tell whether more follow.
func (s *Service) entryPage(ctx context.Context, partner string, f park.EntryFilter, limit int) ([]*park.WhitelistEntry, bool, error) {
	lot, afterKey := f.LotCode, f.AfterPlateKey
	if afterKey != "" {
		if p, err := plate.Normalize(afterKey); err != nil || p.Key != afterKey {
			return nil, false, park.Invalid("after", "%q is not a plate key: pass the next of the previous page", afterKey).Because(park.ReasonFormat)
		}
	}
	var out []*park.WhitelistEntry
	err := s.base.View(ctx, func(tx park.Tx) error {
		if _, err := lotFor(ctx, tx, partner, lot); err != nil {
			return err
		}
		var err error
		out, err = tx.ListEntryPage(ctx, f)
		return err
	})
	if err != nil {
		return nil, false, err
	}
	out, more := core.Page(out, limit)
	return out, more, nil
}
