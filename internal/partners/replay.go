package partners

import (
	"context"
	"time"

	"parkd/internal/park"
)

// SignWindow is how far a signed partner request's time may be from
// parkd's clock, and how long a served request is remembered so that its
// replay is refused (docs/security.md).
const SignWindow = 5 * time.Minute

// FirstUse records that a partner's signed request, identified by digest
// (its nonce, or its operation and body, as its dialect defines), is
// served now. The same digest again within SignWindow is a replay
// (EReplayed), on every node: dialects call it for the requests whose
// replay would repeat an effect (a barrier command, a delete, a lock).
func (s *Service) FirstUse(ctx context.Context, partnerID, digest string) error {
	now := s.base.Clock()
	return s.base.Write(ctx, func(tx park.Tx) error {
		first, err := tx.MarkSeen(ctx, partnerID, digest, now, now.Add(-SignWindow))
		if err != nil {
			return err
		}
		if !first {
			return park.Errorf(park.EReplayed, "this signed request was already served; sign a new one")
		}
		return nil
	})
}

// Forget drops what FirstUse recorded of a request that was then refused,
// and so changed nothing, so that the same request may be sent again (a
// client that cannot sign it differently retries it as it was). It leaves
// a row already older than the window in its place, as a lapsed record
// is (PurgeSeen removes it). A dialect calls it only for requests
// identified by their content: a nonce stays used.
func (s *Service) Forget(ctx context.Context, partnerID, digest string) error {
	now := s.base.Clock()
	return s.base.Write(ctx, func(tx park.Tx) error {
		_, err := tx.MarkSeen(ctx, partnerID, digest, now.Add(-SignWindow-time.Millisecond), now.Add(time.Millisecond))
		return err
	})
}

// PurgeSeen forgets served requests older than the window, in batches,
// and returns how many.
func (s *Service) PurgeSeen(ctx context.Context) (int, error) {
	before := s.base.Clock().Add(-SignWindow)
	total := 0
	for {
		var n int
		err := s.base.Write(ctx, func(tx park.Tx) (err error) {
			n, err = tx.DeleteSeenBefore(ctx, before, 1000)
			return err
		})
		total += n
		if err != nil || n < 1000 {
			return total, err
		}
	}
}
