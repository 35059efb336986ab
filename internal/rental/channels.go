package rental

import (
	"context"
	"errors"
	"net/url"
	"slices"
	"time"

	"parkd/internal/park"
)

// ChannelInput is a sales channel as an operator creates or replaces it.
type ChannelInput struct {
	AppKey     string
	Name       string
	Secret     string // "" on a replace: keep the one it has
	SignMethod string
	GatewayURL string
	Stores     []string
	RateLimit  int
}

// PutChannel creates or replaces a sales channel: the channel, its
// partner (of the channel dialect, using the lots of the stores it
// sells) and its subscription at the gateway. A secret given must be at
// least park.MinSecretLen bytes. Errors: EInvalid (app_key,
// name, secret, sign_method, gateway_url, stores, rate_limit), ENotFound
// (stores), EConflict (a partner that is not a channel has the app key).
func (s *Service) PutChannel(ctx context.Context, in ChannelInput) (*park.RentalChannel, error) {
	if s.dialect == "" {
		return nil, park.Errorf(park.EInvalid, "this parkd serves no rental channel dialect")
	}
	u, err := url.Parse(in.GatewayURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil || len(in.GatewayURL) > 2048 {
		return nil, park.Invalid("gateway_url", "must be an http or https URL of at most 2048 bytes, without credentials").Because(park.ReasonFormat)
	}
	// Its pushes are deliveries: a gateway they may not reach is refused
	// now, not found dead later (looked up before the transaction).
	if s.urls != nil {
		if err := s.urls.CheckURL(ctx, in.GatewayURL); err != nil {
			var pe *park.Error
			if errors.As(err, &pe) && pe.Field == "url" {
				e := *pe
				e.Field = "gateway_url"
				return nil, &e
			}
			return nil, err
		}
	}
	var out *park.RentalChannel
	err = s.base.Update(ctx, func(tx park.Tx) error {
		now := s.base.Clock()
		c := &park.RentalChannel{ID: in.AppKey, Name: in.Name, Dialect: s.dialect, Secret: in.Secret, SignMethod: in.SignMethod,
			GatewayURL: in.GatewayURL, Stores: slices.Clone(in.Stores), RateLimit: in.RateLimit, CreatedAt: now, UpdatedAt: now}
		if c.RateLimit == 0 {
			// Stored as sent, so the channel shows the rate its pushes go at.
			c.RateLimit = park.DefaultRateLimit
		}
		old, err := tx.GetRentalChannel(ctx, in.AppKey)
		switch {
		case err == nil:
			c.Version, c.CreatedAt = old.Version, old.CreatedAt
			if c.Secret == "" {
				c.Secret = old.Secret
			}
		case park.IsCode(err, park.ENotFound):
			old = nil
		default:
			return err
		}
		if old == nil || in.Secret != "" {
			// A secret given is checked; one kept, stored before this
			// rule, stays usable.
			if err := park.CheckSecretLen("secret", in.Secret); err != nil {
				return err
			}
		}
		if err := c.Validate(); err != nil {
			return err
		}
		lots, err := storeLots(ctx, tx, c.Stores)
		if err != nil {
			return err
		}
		p := &park.Partner{ID: c.ID, Name: c.Name, Dialect: c.Dialect, Type: park.PartnerNormal, Secret: c.Secret,
			SignMode: c.SignMethod, Lots: lots, CreatedAt: now, UpdatedAt: now}
		sub := &park.Subscription{ID: park.RentalSubscription(c.ID), PartnerID: c.ID, Report: park.ReportRental,
			URL: c.GatewayURL, Format: c.Dialect, Enabled: true, RateLimit: c.RateLimit, CreatedAt: now, UpdatedAt: now}
		if err := sub.Validate(); err != nil {
			return err
		}
		if c.Version == 0 {
			if err := tx.CreatePartner(ctx, p); park.IsCode(err, park.EConflict) {
				e := park.Errorf(park.EConflict, "a partner %q exists that is not a rental channel", c.ID)
				e.Field = "app_key"
				return e
			} else if err != nil {
				return err
			}
			if err := tx.CreateSubscription(ctx, sub); err != nil {
				return err
			}
		} else {
			if err := s.replacePartner(ctx, tx, p, sub); err != nil {
				return err
			}
		}
		if err := tx.SaveRentalChannel(ctx, c); err != nil {
			return err
		}
		if old != nil {
			if err := s.unlist(ctx, tx, c.ID, old.Stores, c.Stores); err != nil {
				return err
			}
			// A store it now sells is sent to it whole, as a resync would:
			// it heard nothing of it until now.
			for _, code := range c.Stores {
				if slices.Contains(old.Stores, code) {
					continue
				}
				if _, err := queueStore(ctx, tx, now, code, c.ID); err != nil {
					return err
				}
			}
		}
		out = c
		return nil
	})
	return out, err
}

// storeLots returns the lots of the stores, each once: the lots a
// channel selling them serves. Errors: ENotFound (stores).
func storeLots(ctx context.Context, tx park.Tx, stores []string) ([]string, error) {
	var lots []string
	for _, code := range stores {
		st, err := tx.GetRentalStore(ctx, code)
		if park.IsCode(err, park.ENotFound) {
			return nil, notFound("stores", "no store %q", code)
		} else if err != nil {
			return nil, err
		}
		if !slices.Contains(lots, st.LotCode) {
			lots = append(lots, st.LotCode)
		}
	}
	return lots, nil
}

// relot brings the lots of the channels that sell a store in line with
// the store's lot after it moved: its channels serve the lot it is in
// now, and no longer the one it left unless another of their stores is
// there.
func relot(ctx context.Context, tx park.Tx, at time.Time, store string) error {
	ids, err := tx.ChannelsSelling(ctx, store)
	if err != nil {
		return err
	}
	for _, id := range ids {
		c, err := tx.GetRentalChannel(ctx, id)
		if err != nil {
			return err
		}
		lots, err := storeLots(ctx, tx, c.Stores)
		if err != nil {
			return err
		}
		if err := tx.SetChannelPartner(ctx, &park.Partner{ID: c.ID, Name: c.Name, Secret: c.Secret, SignMode: c.SignMethod,
			Lots: lots, UpdatedAt: at}); err != nil {
			return err
		}
	}
	return nil
}

// unlist tells a channel that the stores it no longer sells are gone
// (deleted 1, inactive), each in its store's order: otherwise it would go
// on offering them, and parkd would refuse its orders there. The stores
// themselves are unchanged; one already deleted was told already.
func (s *Service) unlist(ctx context.Context, tx park.Tx, channel string, before, now []string) error {
	for _, code := range before {
		if slices.Contains(now, code) {
			continue
		}
		st, err := tx.GetRentalStore(ctx, code)
		if err != nil {
			return err
		}
		if st.Deleted {
			continue
		}
		gone := *st
		gone.Deleted, gone.Active = true, false
		if err := enqueue(ctx, tx, s.base.Clock(), st.LotCode, park.RentalStoreKey(code),
			&park.RentalChange{Item: park.RentalItemStore, Store: &gone, Deleted: true}, []string{channel}); err != nil {
			return err
		}
	}
	return nil
}

// replacePartner brings a channel's partner and subscription in line
// with the channel, keeping the subscription's other settings.
func (s *Service) replacePartner(ctx context.Context, tx park.Tx, p *park.Partner, sub *park.Subscription) error {
	if err := tx.SetChannelPartner(ctx, p); err != nil {
		return err
	}
	cur, err := tx.GetSubscription(ctx, sub.ID)
	if err != nil {
		return err
	}
	cur.URL, cur.RateLimit, cur.Format, cur.UpdatedAt = sub.URL, sub.RateLimit, sub.Format, sub.UpdatedAt
	return tx.UpdateSubscription(ctx, cur)
}

// GetChannel returns a channel (ENotFound).
func (s *Service) GetChannel(ctx context.Context, id string) (*park.RentalChannel, error) {
	c, err := read(ctx, s, func(tx park.Tx) (*park.RentalChannel, error) { return tx.GetRentalChannel(ctx, id) })
	if err == nil {
		withDefaults(c)
	}
	return c, err
}

// withDefaults shows a channel written before its rate limit was stored
// (0) with the rate its pushes go at.
func withDefaults(c *park.RentalChannel) {
	if c.RateLimit == 0 {
		c.RateLimit = park.DefaultRateLimit
	}
}

// ListChannels returns every channel by id.
func (s *Service) ListChannels(ctx context.Context) ([]*park.RentalChannel, error) {
	cs, err := read(ctx, s, func(tx park.Tx) ([]*park.RentalChannel, error) { return tx.ListRentalChannels(ctx) })
	for _, c := range cs {
		withDefaults(c)
	}
	return cs, err
}
