package ocpp_test

import (
	"testing"

	dto "github.com/prometheus/client_model/go"

	"parkd/internal/metrics"
)

// TestAnswerTimesCounted: every CALL a charger gets an answer to is in
// parkd_ocpp_call_duration_seconds under its action, counted before the
// answer leaves; an action no charger sends is counted as "other", so a
// charger cannot add labels.
func TestAnswerTimesCounted(t *testing.T) {
	m := metrics.New()
	r := newRigWith(t, m)
	p := r.dial(t, "CAB1") // BootNotification
	for range 2 {
		if err := p.Heartbeat(r.Ctx); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := p.Raw(r.Ctx, []byte(`[2,"x1","FlyToTheMoon",{}]`), "x1"); err != nil {
		t.Fatal(err)
	}
	got := map[string]uint64{}
	fams, err := m.Registry.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range fams {
		if f.GetName() != "parkd_ocpp_call_duration_seconds" {
			continue
		}
		for _, mt := range f.GetMetric() {
			got[actionOf(mt)] = mt.GetHistogram().GetSampleCount()
		}
	}
	want := map[string]uint64{"BootNotification": 1, "Heartbeat": 2, "other": 1}
	if len(got) != len(want) {
		t.Fatalf("counted %v, want %v", got, want)
	}
	for a, n := range want {
		if got[a] != n {
			t.Errorf("%s counted %d times, want %d (all: %v)", a, got[a], n, got)
		}
	}
}

func actionOf(m *dto.Metric) string {
	for _, l := range m.GetLabel() {
		if l.GetName() == "action" {
			return l.GetValue()
		}
	}
	return ""
}
