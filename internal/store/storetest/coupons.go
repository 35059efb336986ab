package storetest

import (
	"testing"

	"parkd/internal/park"
)

func testCoupons(t *testing.T, s park.Store) {}
