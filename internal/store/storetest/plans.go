package storetest

import (
	"testing"

	"parkd/internal/park"
)

func testPlans(t *testing.T, s park.Store) {}
