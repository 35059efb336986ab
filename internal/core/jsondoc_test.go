package core

import (
	"errors"
	"testing"

	"parkd/internal/park"
)

// TestDecodeObjectWrongType: a value of the wrong JSON type is refused
// naming the field and the JSON type wanted, in the words a client reads
// in its own document, never a Go type of parkd's.
func TestDecodeObjectWrongType(t *testing.T) {
	type item struct {
		Code string `json:"code"`
	}
	type doc struct {
		Count  int               `json:"count"`
		Name   string            `json:"name"`
		On     bool              `json:"on"`
		Ratio  float64           `json:"ratio"`
		Tags   []string          `json:"tags"`
		Item   item              `json:"item"`
		Ptr    *item             `json:"ptr"`
		Items  []item            `json:"items"`
		Labels map[string]string `json:"labels"`
	}
	for _, tc := range []struct {
		body, field, detail string
	}{
		{`{"count":"1"}`, "count", "must be an integer, not string"},
		{`{"name":1}`, "name", "must be a string, not number"},
		{`{"on":"yes"}`, "on", "must be true or false, not string"},
		{`{"ratio":"x"}`, "ratio", "must be a number, not string"},
		{`{"tags":"a"}`, "tags", "must be an array, not string"},
		{`{"item":"a"}`, "item", "must be an object, not string"},
		{`{"ptr":[1]}`, "ptr", "must be an object, not array"},
		{`{"items":["a"]}`, "items[0]", "must be an object, not string"},
		{`{"tags":["a",1]}`, "tags[1]", "must be a string, not number"},
		{`{"items":[{"code":1}]}`, "items[0].code", "must be a string, not number"},
		// Which of several items: the path has its index, as the
		// model's own checks name segments[1].from.
		{`{"items":[{"code":"a"},{"code":"b"},{"code":{"x":1}}]}`, "items[2].code", "must be a string, not object"},
		{`{"item":{"code":"a"},"items":[{"code":"a"},{"Code":[1]}]}`, "items[1].code", "must be a string, not array"},
		{`{"labels":[]}`, "labels", "must be an object, not array"},
		{`[1]`, "body", "must be an object, not array"},
		{`"x"`, "body", "must be an object, not string"},
	} {
		t.Run(tc.body, func(t *testing.T) {
			var v doc
			err := DecodeObject([]byte(tc.body), &v, "body")
			var pe *park.Error
			if !errors.As(err, &pe) || pe.Code != park.EInvalid {
				t.Fatalf("got %v, want EInvalid", err)
			}
			if pe.Field != tc.field || pe.Message != tc.detail {
				t.Errorf("got field %q %q, want %q %q", pe.Field, pe.Message, tc.field, tc.detail)
			}
		})
	}
}

// TestDecodeObjectRepeatedKey: a field named twice, in any case, is
// refused naming it, rather than read as its last value: {"price":100,
// "price":1} had made a plan of price 1.
func TestDecodeObjectRepeatedKey(t *testing.T) {
	type doc struct {
		Price int64 `json:"price"`
		Slots []struct {
			From string `json:"from"`
		} `json:"slots"`
	}
	for _, tc := range []struct{ body, field string }{
		{`{"price":100,"price":1}`, "price"},
		{`{"price":100,"PRICE":1}`, "price"},
		{`{"slots":[{"from":"08:00"},{"from":"09:00","from":"10:00"}]}`, "slots.from"},
	} {
		var d doc
		err := DecodeObject([]byte(tc.body), &d, "body")
		var pe *park.Error
		if !errors.As(err, &pe) || pe.Code != park.EInvalid || pe.Field != tc.field || pe.Reason != park.ReasonDuplicate {
			t.Errorf("%s: %v, want invalid %s named twice", tc.body, err, tc.field)
		}
	}
	var d doc
	if err := DecodeObject([]byte(`{"price":1,"slots":[{"from":"08:00"},{"from":"09:00"}]}`), &d, "body"); err != nil {
		t.Errorf("one field per object: %v", err)
	}
}
