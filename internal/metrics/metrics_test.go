package metrics

import (
	"fmt"
	"testing"
)

// A payment's method is the payer's own text (a partner's PayType, an
// integrator's forma_pagamento, up to 32 characters), so a partner that
// sends a new one with every payment must not grow the payments counter
// by one series each. The first MaxPaymentMethods methods keep their
// names; later new ones count as "other".
//
// 40 payments of 1 fen, methods m0..m39, then one more with m5:
// m0..m31 are 32 series of 1 (m5: 2), m32..m39 are "other" = 8,
// so 33 series, 41 payments, 41 fen.
func TestPaymentMethodsAreBounded(t *testing.T) {
	m := New()
	for i := 0; i < 40; i++ {
		m.Payment("CNY", fmt.Sprintf("m%d", i), 1)
	}
	m.Payment("CNY", "m5", 1)
	fams, err := m.Registry.Gather()
	if err != nil {
		t.Fatal(err)
	}
	got, amount := map[string]float64{}, 0.0
	for _, f := range fams {
		for _, s := range f.GetMetric() {
			switch f.GetName() {
			case "parkd_payments_total":
				for _, l := range s.GetLabel() {
					if l.GetName() == "method" {
						got[l.GetValue()] = s.GetCounter().GetValue()
					}
				}
			case "parkd_payments_amount_minor_total":
				amount += s.GetCounter().GetValue()
			}
		}
	}
	if len(got) != MaxPaymentMethods+1 {
		t.Errorf("%d payment series, want %d (32 methods and other): %v", len(got), MaxPaymentMethods+1, got)
	}
	for method, want := range map[string]float64{"m0": 1, "m5": 2, "m31": 1, "other": 8} {
		if got[method] != want {
			t.Errorf("method %s counted %v, want %v", method, got[method], want)
		}
	}
	if amount != 41 {
		t.Errorf("amount %v, want 41", amount)
	}
}
