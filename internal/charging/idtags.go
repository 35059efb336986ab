package charging

import (
	"context"
	"regexp"
	"strconv"
	"strings"
	"time"

	"parkd/internal/core"
	"parkd/internal/park"
)

// TagStatus is parkd's answer to an id tag presented at a charger.
type TagStatus string

// TagAnswer is a tag's status and, when it is accepted for a limited time
// (a card's expiry, a pass's or whitelist entry's end), until when: a
// charger keeps an accepted tag in its authorization cache, offline too,
// and would otherwise keep it for good.
type TagAnswer struct {
	Status TagStatus
	Until  *time.Time
}

// Tag statuses.
const (
	TagAccepted TagStatus = "accepted"
	TagBlocked  TagStatus = "blocked" // registered, and blocked by the operator
	TagExpired  TagStatus = "expired" // registered, past its expiry
	TagInvalid  TagStatus = "invalid" // not known in the charger's lot
)

// An id tag is an OCPP IdToken: up to 20 characters, compared without
// regard to case (CiString20), so parkd keeps it in upper case. Printable
// ASCII without spaces, which every RFID reader writes its card numbers in.
var idTagPattern = regexp.MustCompile(`^[\x21-\x7e]{1,20}$`)

// normTag is a tag as parkd keeps it.
func normTag(tag string) (string, error) {
	if !idTagPattern.MatchString(tag) {
		return "", park.Invalid("tag", "must be 1 to 20 printable ASCII characters without spaces, not %q", tag).Because(park.ReasonFormat)
	}
	return strings.ToUpper(tag), nil
}

// IDTagInput is what an operator says about an id tag.
type IDTagInput struct {
	Tag       string
	Plate     string // the car the card charges for; "" for none
	Note      string
	Blocked   bool
	ExpiresAt *time.Time
}

func (in *IDTagInput) apply(t *park.IDTag) error {
	t.PlateKey, t.Plate = "", ""
	if in.Plate != "" {
		p, err := core.Plate("plate", in.Plate)
		if err != nil {
			return err
		}
		t.Plate, t.PlateKey = p.Text, p.Key
	}
	if err := text("note", in.Note, false); err != nil {
		return err
	}
	t.Note, t.Blocked, t.ExpiresAt = in.Note, in.Blocked, nil
	if in.ExpiresAt != nil {
		at := in.ExpiresAt.UTC().Truncate(park.Precision)
		t.ExpiresAt = &at
	}
	return nil
}

// CreateIDTag registers an id tag in a lot (EInvalid; ENotFound for a lot
// that does not exist; EConflict when the lot has the tag).
func (s *Service) CreateIDTag(ctx context.Context, lot string, in IDTagInput) (*park.IDTag, error) {
	tag, err := normTag(in.Tag)
	if err != nil {
		return nil, err
	}
	now := s.base.Clock()
	t := &park.IDTag{LotCode: lot, Tag: tag, CreatedAt: now, UpdatedAt: now}
	if err := in.apply(t); err != nil {
		return nil, err
	}
	if err := s.base.Write(ctx, func(tx park.Tx) error { return tx.CreateIDTag(ctx, t) }); err != nil {
		return nil, err
	}
	return t, nil
}

// IDTag returns a lot's id tag (ENotFound).
func (s *Service) IDTag(ctx context.Context, lot, tag string) (*park.IDTag, error) {
	var t *park.IDTag
	err := s.base.View(ctx, func(tx park.Tx) (err error) { t, err = tx.GetIDTag(ctx, lot, strings.ToUpper(tag)); return })
	return t, err
}

// UpdateIDTag replaces what is said about a lot's id tag (EInvalid,
// ENotFound).
func (s *Service) UpdateIDTag(ctx context.Context, lot, tag string, in IDTagInput) (*park.IDTag, error) {
	var t *park.IDTag
	err := s.base.Update(ctx, func(tx park.Tx) (err error) {
		if t, err = tx.GetIDTag(ctx, lot, strings.ToUpper(tag)); err != nil {
			return err
		}
		if err := in.apply(t); err != nil {
			return err
		}
		t.UpdatedAt = s.base.Clock()
		return tx.UpdateIDTag(ctx, t)
	})
	return t, err
}

// DeleteIDTag removes a lot's id tag (ENotFound). Sessions it started
// keep their plate.
func (s *Service) DeleteIDTag(ctx context.Context, lot, tag string) error {
	return s.base.Write(ctx, func(tx park.Tx) error { return tx.DeleteIDTag(ctx, lot, strings.ToUpper(tag)) })
}

// IDTagPage returns one page of a lot's id tags in tag order, after a tag
// ("" from the first), at most limit (1 to MaxListLimit), and whether more
// follow: a list gives its next only then.
// Errors: EInvalid (limit), ENotFound (lot).
func (s *Service) IDTagPage(ctx context.Context, lot, after string, limit int) ([]*park.IDTag, bool, error) {
	if limit < 1 || limit > MaxListLimit {
		return nil, false, park.Invalid("limit", "must be between 1 and %d, not %d", MaxListLimit, limit).Because(park.ReasonRange, "1", strconv.FormatInt(int64(MaxListLimit), 10))
	}
	var ts []*park.IDTag
	err := s.base.View(ctx, func(tx park.Tx) (err error) {
		if _, err = tx.GetLotSettings(ctx, lot); err != nil {
			return err
		}
		ts, err = tx.ListIDTags(ctx, park.IDTagFilter{LotCode: lot, AfterTag: strings.ToUpper(after), Limit: limit + 1})
		return err
	})
	if err != nil {
		return nil, false, err
	}
	ts, more := core.Page(ts, limit)
	return ts, more, nil
}

// tagStatus says whether an id tag presented at a charger may charge
// there, and for which plate: a card registered in the charger's lot
// (unless blocked or expired), or a plate with a valid pass or whitelist
// entry in the lot (the lot's own drivers charge with their plate).
func (s *Service) tagStatus(ctx context.Context, tx park.Tx, c *park.Charger, idTag string) (TagAnswer, string, error) {
	if tag, err := normTag(idTag); err == nil {
		t, err := tx.GetIDTag(ctx, c.LotCode, tag)
		switch {
		case err == nil && t.Blocked:
			return TagAnswer{Status: TagBlocked}, "", nil
		case err == nil && t.ExpiresAt != nil && !s.base.Clock().Before(*t.ExpiresAt):
			return TagAnswer{Status: TagExpired}, "", nil
		case err == nil:
			return TagAnswer{Status: TagAccepted, Until: t.ExpiresAt}, t.PlateKey, nil
		case !park.IsCode(err, park.ENotFound):
			return TagAnswer{}, "", err
		}
	}
	until, key, err := s.tagOfLot(ctx, tx, c, idTag)
	if err != nil || until == nil {
		return TagAnswer{Status: TagInvalid}, "", err
	}
	return TagAnswer{Status: TagAccepted, Until: until}, key, nil
}
