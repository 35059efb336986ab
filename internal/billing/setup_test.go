package billing_test

import (
	"testing"

	"parkd/internal/systemtest"
)

// bundle is one test's core (systemtest.Bundle) with this package's helpers.
type bundle struct{ *systemtest.Bundle }

func setup(t *testing.T) *bundle { return &bundle{systemtest.New(t)} }

var (
	wantDecision = systemtest.WantDecision
	wantCode     = systemtest.WantCode
	fee          = systemtest.Fee
	t0           = systemtest.T0
	secret       = systemtest.Secret
)
