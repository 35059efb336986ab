package ocpp

import (
	"context"
	"testing"
)

// TestIdleNodeDoesNotReadTheRelayQueue: a node holding no charger
// connection cannot claim a queued command, so its relay poll must not
// reach the database (here there is none: a read would panic).
func TestIdleNodeDoesNotReadTheRelayQueue(t *testing.T) {
	s := New(Config{}) // no charging service behind it
	if got := s.claimRelayed(context.Background()); got != nil {
		t.Fatalf("claimed %v with no charger connected", got)
	}
}
