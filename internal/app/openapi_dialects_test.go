package app

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"parkd/internal/store/teststore"
)

// TestOpenAPIPartnerDialects: the native API's document names every
// dialect a partner may be created with, and each dialect's sign modes
// with its default first, as the registry of dialects has them.
func TestOpenAPIPartnerDialects(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t, teststore.Open(t), time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC))
	r := e.do("GET", "/v1/openapi.json", "")
	var doc struct {
		Components struct {
			Schemas map[string]struct {
				Properties map[string]struct {
					Enum        []any  `json:"enum"`
					Description string `json:"description"`
				} `json:"properties"`
			} `json:"schemas"`
		} `json:"components"`
	}
	if err := json.Unmarshal([]byte(r.body), &doc); err != nil {
		t.Fatal(err)
	}
	for _, schema := range []string{"PartnerInput", "Partner"} {
		var got []string
		for _, v := range doc.Components.Schemas[schema].Properties["dialect"].Enum {
			got = append(got, v.(string))
		}
		if !slices.Equal(got, DialectNames()) {
			t.Errorf("%s.dialect enum %q, want %q", schema, got, DialectNames())
		}
	}
	desc := doc.Components.Schemas["PartnerInput"].Properties["sign_mode"].Description
	for name, modes := range DialectSignModes() {
		if len(modes) > 0 && !strings.Contains(desc, name+": "+strings.Join(modes, ", ")+";") &&
			!strings.Contains(desc, name+": "+strings.Join(modes, ", ")+")") {
			t.Errorf("PartnerInput.sign_mode %q does not give %s's modes %q, default first", desc, name, modes)
		}
	}
}

// TestOpenAPIDeviceProtocols: the document lists every device protocol a
// device may be registered with, as the registry of protocols has them.
func TestOpenAPIDeviceProtocols(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t, teststore.Open(t), time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC))
	var doc struct {
		Components struct {
			Schemas map[string]struct {
				Properties map[string]struct {
					Enum []any `json:"enum"`
				} `json:"properties"`
			} `json:"schemas"`
		} `json:"components"`
	}
	if err := json.Unmarshal([]byte(e.do("GET", "/v1/openapi.json", "").body), &doc); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, v := range doc.Components.Schemas["DeviceInput"].Properties["protocol"].Enum {
		got = append(got, v.(string))
	}
	if !slices.Equal(got, DeviceProtocolNames()) {
		t.Errorf("DeviceInput.protocol enum %q, want %q", got, DeviceProtocolNames())
	}
}
