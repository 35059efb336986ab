package linkc

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"strconv"
	"time"

	"parkd/internal/billing"
	"parkd/internal/gate"
	"parkd/internal/park"
	"parkd/internal/partners"
	"parkd/internal/plate"
)

// Linkc's development environment: in a sandbox garage every locator
// except those starting with 9, and every plate except those starting
// with Z, is "inside", with an entry time that looks random (seed
// 002). parkd makes such a stay up at its first lookup, through the core
// like an entry, so it can then be priced, paid and looked up again.
const (
	sandboxMissingLocator = '9'
	sandboxMissingPlate   = 'Z'
)

// lookup is the core's stay lookup, with the development environment in
// the partner's first sandbox garage when the stay is not found; a Peek
// (HEAD) makes no stay up, as it stores nothing.
func (h *Handler) lookup(ctx context.Context, p *park.Partner, q partners.StayLookup) (*billing.StayStatus, error) {
	st, err := h.svc.Partners.LookupStay(ctx, p, q)
	if !park.IsCode(err, park.ENotFound) || !sandboxFinds(q) || q.Peek {
		return st, err
	}
	lot, lerr := h.sandboxLot(ctx, p)
	if lerr != nil || lot == "" {
		return st, err
	}
	for attempt := range 3 {
		in, ok := sandboxStay(p, lot, q, h.svc.Gate.Now(), attempt)
		if !ok {
			return st, err
		}
		_, serr := h.svc.Gate.EnterSandbox(ctx, in)
		if serr != nil && !park.IsCode(serr, park.EConflict) {
			return nil, serr
		}
		// Made up now, or meanwhile by another request: look it up.
		// A locator taken by a stay that left stays not found, and so
		// does a plate that left after the made-up entry (field plate).
		found, ferr := h.svc.Partners.LookupStay(ctx, p, q)
		if serr == nil || !park.IsCode(ferr, park.ENotFound) || q.Locator != "" || plateLeft(serr) {
			return found, ferr
		}
		// A plate whose derived locator is taken: derive another.
	}
	return st, err
}

// plateLeft tells the core's refusal of a stay before the car's exit
// from the refusal of a taken locator, which another one may avoid.
func plateLeft(err error) bool {
	var pe *park.Error
	return errors.As(err, &pe) && pe.Code == park.EConflict && pe.Field == "plate"
}

// sandboxLot is the first of the partner's garages that is a sandbox,
// "" when none is.
func (h *Handler) sandboxLot(ctx context.Context, p *park.Partner) (string, error) {
	for _, code := range p.Lots {
		l, err := h.svc.Gate.LotSettings(ctx, code)
		if park.IsCode(err, park.ENotFound) {
			continue
		}
		if err != nil {
			return "", err
		}
		if l.Sandbox {
			return l.Code, nil
		}
	}
	return "", nil
}

func sandboxFinds(q partners.StayLookup) bool {
	if q.Locator != "" {
		return q.Locator[0] != sandboxMissingLocator
	}
	p, err := plate.Normalize(q.Plate)
	return err == nil && p.Text != "" && p.Text[0] != sandboxMissingPlate
}

// sandboxStay is the stay made up for a lookup: its entry 1 to 12 hours
// (whole seconds) before now, depending only on the locator or plate,
// and the other identity (plate for a locator, locator for a plate)
// derived the same way; attempt salts the derived identity.
func sandboxStay(p *park.Partner, lot string, q partners.StayLookup, now time.Time, attempt int) (gate.SandboxStay, bool) {
	in := gate.SandboxStay{Lot: lot, Source: p.ID}
	seed := "locator:" + q.Locator
	if q.Locator == "" {
		key, err := plate.Normalize(q.Plate)
		if err != nil {
			return in, false
		}
		seed = "plate:" + key.Key
		in.Plate, in.Locator = key.Text, sandboxLocator(sandboxHash(seed, attempt+1))
	} else {
		in.Locator, in.Plate = q.Locator, sandboxPlate(sandboxHash(seed, attempt+1))
	}
	ago := time.Hour + time.Duration(sandboxHash(seed, 0)%(11*3600+1))*time.Second
	in.EntryAt = now.Add(-ago).Truncate(time.Second)
	return in, true
}

func sandboxHash(seed string, salt int) uint64 {
	sum := sha256.Sum256([]byte(strconv.Itoa(salt) + "|" + seed))
	return binary.BigEndian.Uint64(sum[:8])
}

// sandboxPlate derives a Mercosul plate (never starting with Z).
func sandboxPlate(h uint64) string {
	b := make([]byte, 7)
	b[0] = byte('A' + h%25)
	h /= 25
	for _, i := range []int{1, 2, 4} {
		b[i] = byte('A' + h%26)
		h /= 26
	}
	for _, i := range []int{3, 5, 6} {
		b[i] = byte('0' + h%10)
		h /= 10
	}
	return string(b)
}

// sandboxLocator derives a 10-digit locator starting with 1-8.
func sandboxLocator(h uint64) string {
	return strconv.FormatUint(1_000_000_000+h%8_000_000_000, 10)
}
