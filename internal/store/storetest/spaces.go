package storetest

import (
	"testing"

	"parkd/internal/park"
)

func testSpaces(t *testing.T, s park.Store) {}
