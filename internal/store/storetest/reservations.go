package storetest

import (
	"testing"

	"parkd/internal/park"
)

func testReservations(t *testing.T, s park.Store) {}
