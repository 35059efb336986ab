package park_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"parkd/internal/park"
)

// TestSubscriptionErrorsNameWhatTheAPITakes: a refused subscription names
// the field as the API spells it and, for a report kind, every kind one
// may subscribe to.
func TestSubscriptionErrorsNameWhatTheAPITakes(t *testing.T) {
	valid := func() *park.Subscription {
		return &park.Subscription{ID: "s1", PartnerID: "p1", Report: park.ReportEntry, URL: "https://crm.example.com/hook", Format: "native"}
	}
	if err := valid().Validate(); err != nil {
		t.Fatalf("a valid subscription: %v", err)
	}
	t.Run("ErrReport", func(t *testing.T) {
		s := valid()
		s.Report = "entrance"
		var pe *park.Error
		if err := s.Validate(); !errors.As(err, &pe) || pe.Field != "report" {
			t.Fatalf("report %q: %v", s.Report, err)
		}
		for _, k := range []string{"entry", "exit", "order", "sensorless_exit", "lot_info", "abnormal_lift", "device_status", "charge_end", "rental"} {
			if !strings.Contains(pe.Message, k) {
				t.Errorf("the error %q does not name the kind %s", pe.Message, k)
			}
		}
	})
	t.Run("ErrScheduleTooLong", func(t *testing.T) {
		s := valid()
		s.Schedule = make([]time.Duration, 31)
		var pe *park.Error
		if err := s.Validate(); !errors.As(err, &pe) || pe.Field != "schedule_seconds" {
			t.Fatalf("a schedule of 31 steps: %v (field %q), want field schedule_seconds", err, pe.Field)
		}
	})
	t.Run("ErrScheduleStep", func(t *testing.T) {
		s := valid()
		s.Schedule = []time.Duration{0, 8 * 24 * time.Hour}
		var pe *park.Error
		if err := s.Validate(); !errors.As(err, &pe) || pe.Field != "schedule_seconds" {
			t.Fatalf("a step of 8 days: %v, want field schedule_seconds", err)
		}
	})
}
