package partners

import (
	"context"
	"slices"
	"strings"
	"time"

	"parkd/internal/gate"
	"parkd/internal/park"
)

// CreatePartner validates and stores a partner (EInvalid, EConflict, and
// ENotFound naming a lot that does not exist; EInvalid naming lots when
// one does not price in the currency the dialect declares). A partner of a dialect that
// signs requests needs a secret of at least park.MinSecretLen bytes and one of
// the dialect's sign modes (its default when none is given); a partner of
// a dialect that does not sign has neither.
func (s *Service) CreatePartner(ctx context.Context, p *park.Partner) (*park.Partner, error) {
	return s.createPartner(ctx, p, false)
}

// CreateDemoPartner is CreatePartner for parkd's --demo data set only: it
// takes a secret of any length and any sign mode, so that a vendor's test
// credentials (short, public, the sign being the secret) work verbatim on a local
// parkd. No API reaches it.
func (s *Service) CreateDemoPartner(ctx context.Context, p *park.Partner) (*park.Partner, error) {
	return s.createPartner(ctx, p, true)
}

// createPartner stores a partner; demo allows the vendor's test sign
// (a short secret, a sign mode its dialect does not offer otherwise).
func (s *Service) createPartner(ctx context.Context, p *park.Partner, demo bool) (*park.Partner, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	if !slices.Contains(s.dialects, p.Dialect) {
		return nil, park.Invalid("dialect", "must be one of %s", strings.Join(s.dialects, ", ")).Because(park.ReasonUnknown)
	}
	if err := s.checkSigning(p, demo); err != nil {
		return nil, err
	}
	p.Lots = slices.Clone(p.Lots)
	slices.Sort(p.Lots)
	now := s.base.Clock()
	p.CreatedAt, p.UpdatedAt = now, now
	err := s.base.Write(ctx, func(tx park.Tx) error {
		if err := s.checkCurrency(ctx, tx, p); err != nil {
			return err
		}
		return park.Taken(tx.CreatePartner(ctx, p), "id")
	})
	if park.IsCode(err, park.ENotFound) {
		// A lot code that names no lot: unknown, as an unknown dialect.
		return nil, &park.Error{Code: park.EInvalid, Field: "lots", Message: err.Error(), Reason: park.ReasonUnknown}
	}
	if err != nil {
		return nil, err
	}
	return p, nil
}

// checkSigning applies the partner's dialect's sign modes (Config.SignModes)
// and fills in the default mode.
func (s *Service) checkSigning(p *park.Partner, demo bool) error {
	modes, declared := s.signs[p.Dialect]
	switch {
	case !declared:
		return nil
	case len(modes) == 0 && p.Secret != "":
		return park.Invalid("secret", "%s partners do not sign requests; leave it empty", p.Dialect).Because(park.ReasonNotApplicable)
	case len(modes) == 0 && p.SignMode != "":
		return park.Invalid("sign_mode", "%s partners do not sign requests; leave it empty", p.Dialect).Because(park.ReasonNotApplicable)
	case len(modes) == 0:
		return nil
	case p.SignMode == "":
		p.SignMode = modes[0]
	case demo && slices.Contains(s.demo[p.Dialect], p.SignMode):
	case !slices.Contains(modes, p.SignMode):
		return park.Invalid("sign_mode", "must be one of %s for %s partners", strings.Join(modes, ", "), p.Dialect).Because(park.ReasonUnknown)
	}
	if demo && p.Secret != "" {
		return nil // a vendor's published test secret may be short
	}
	return park.CheckSecretLen("secret", p.Secret) // the rule rental channels follow too
}

// GetPartner returns a partner (ENotFound).
func (s *Service) GetPartner(ctx context.Context, id string) (*park.Partner, error) {
	var p *park.Partner
	err := s.base.View(ctx, func(tx park.Tx) (err error) {
		p, err = tx.GetPartner(ctx, id)
		return err
	})
	return p, err
}

// ListPartners returns every partner, ordered by id.
func (s *Service) ListPartners(ctx context.Context) ([]*park.Partner, error) {
	var ps []*park.Partner
	err := s.base.View(ctx, func(tx park.Tx) (err error) {
		ps, err = tx.ListPartners(ctx)
		return err
	})
	return ps, err
}

// DeletePartner removes a partner (ENotFound). Integrators that held it
// lose it; stays and payments keep its id as their source and payer. Its
// subscriptions are deleted at once, their deliveries by the next prune.
func (s *Service) DeletePartner(ctx context.Context, id string) error {
	err := s.base.Write(ctx, func(tx park.Tx) error { return tx.DeletePartner(ctx, id) })
	if err == nil {
		s.auth.Clear() // no request on this node acts for it any more
		s.signers.Clear()
	}
	return err
}

// SigningPartner is GetPartner for a dialect that checks every request
// against the partner's secret: a partner read is trusted for
// AuthCacheFor, as checked tokens are, because every such request would
// otherwise open a read transaction for it. Deleting a partner takes
// effect at once on this node and within AuthCacheFor on others. A
// missing partner is not remembered, so a new one works at once.
func (s *Service) SigningPartner(ctx context.Context, id string) (*park.Partner, error) {
	now := s.base.Clock()
	if v, ok := s.signers.Load(id); ok {
		if e := v.(*signerEntry); now.Before(e.until) {
			return e.partner, nil
		}
		s.signers.Delete(id)
	}
	p, err := s.GetPartner(ctx, id)
	if err != nil {
		return nil, err
	}
	s.signers.Store(id, &signerEntry{partner: p, until: now.Add(AuthCacheFor)})
	return p, nil
}

type signerEntry struct {
	partner *park.Partner
	until   time.Time
}

// HandleEventFrom records a camera read delivered by a partner (a partner
// of type own entries registers its cars' entries); the stay it opens is
// marked as registered by that partner, so its lookups see it.
// Errors: those of HandleEvent, and ENotFound when the partner is unknown
// or may not use the lot.
func (s *Service) HandleEventFrom(ctx context.Context, partnerID string, in gate.EventInput) (park.Decision, error) {
	p, err := s.GetPartner(ctx, partnerID)
	if err != nil {
		return park.Decision{}, err
	}
	if !p.MayUse(in.LotCode) {
		return park.Decision{}, park.Errorf(park.ENotFound, "lot %q not found for partner %q", in.LotCode, partnerID)
	}
	in.Source = partnerID
	return s.gate.HandleEvent(ctx, in)
}
