package charging_test

import (
	"errors"
	"testing"

	"parkd/internal/charging"
	"parkd/internal/park"
)

// TestStartSessionNamesWhatIsMissing: a request without a charger is
// refused as missing what it must name (400 on the native API), not
// answered as if a charger named "" had been looked for and not found.
func TestStartSessionNamesWhatIsMissing(t *testing.T) {
	r := newRig(t, park.FamilyCar, energyRules)
	for _, c := range []struct {
		name  string
		in    charging.StartInput
		field string
	}{
		{"NoCharger", charging.StartInput{Connector: 1, Prepaid: 500}, "charger_id"},
		{"BlankCharger", charging.StartInput{ChargerID: "  ", Connector: 1, Prepaid: 500}, "charger_id"},
		{"NoConnector", charging.StartInput{ChargerID: "CP1", Prepaid: 500}, "connector"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := r.cs.StartSession(r.Ctx, c.in)
			var pe *park.Error
			if !errors.As(err, &pe) || pe.Code != park.EInvalid || pe.Field != c.field {
				t.Fatalf("err = %v, want invalid %s", err, c.field)
			}
		})
	}
	if s, err := r.cs.Sessions(r.Ctx, park.ChargeSessionFilter{Limit: 10}, 0); err != nil || s.Total != 0 {
		t.Fatalf("sessions after refused starts: %+v, %v", s, err)
	}
}
