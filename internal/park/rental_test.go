package park_test

import (
	"testing"

	"parkd/internal/park"
)

// TestOverMileageFeeWhole: the over-mileage fee is whole yuan a km (the
// rental currency's major unit): 50.00 and 1.00 pass, 1.50, 0.01 and
// 100.01 are refused naming the field.
func TestOverMileageFeeWhole(t *testing.T) {
	terms := func(fee int64) *park.StoreModel {
		return &park.StoreModel{StoreCode: "10001", ModelCode: "100001", MileageLimited: true, MileageLimit: 300, OverMileageFee: fee}
	}
	for _, fee := range []int64{0, 100, 5000, park.MaxRentalAmount} {
		if err := terms(fee).Validate(); err != nil {
			t.Errorf("fee %d: %v", fee, err)
		}
	}
	for _, fee := range []int64{150, 1, 10001} {
		err := terms(fee).Validate()
		if pe, _ := err.(*park.Error); pe == nil || pe.Code != park.EInvalid || pe.Field != "over_mileage_fee" {
			t.Errorf("fee %d: %v, want EInvalid naming over_mileage_fee", fee, err)
		}
	}
}

// TestRentalStoreCoordinates: 0,0 (coordinates left out) is no store's
// place and is refused naming latitude; one of them 0 is a place.
func TestRentalStoreCoordinates(t *testing.T) {
	store := func(lat, lng float64) *park.RentalStore {
		return &park.RentalStore{Code: "10001", Kind: park.RentalStoreKind, Name: "n", Address: "a", Latitude: lat, Longitude: lng,
			City: "330100", Opens: "08:00", Closes: "22:00", LotCode: "L1"}
	}
	for _, c := range [][2]float64{{30.27, 120.15}, {0, 120.15}, {30.27, 0}, {-90, -180}} {
		if err := store(c[0], c[1]).Validate(); err != nil {
			t.Errorf("%v: %v", c, err)
		}
	}
	err := store(0, 0).Validate()
	if pe, _ := err.(*park.Error); pe == nil || pe.Code != park.EInvalid || pe.Field != "latitude" {
		t.Fatalf("0,0: %v, want EInvalid naming latitude", err)
	}
}

// TestRentalTextsNotBlank: a store's name or address, or a model's
// name, of blanks names nothing and would be pushed to the channels as
// is; a store's city is a city code, as a rule's banned cities are (a
// name such as 杭州 would be pushed as city_code). Each is refused
// naming its field.
func TestRentalTextsNotBlank(t *testing.T) {
	store := func(f func(*park.RentalStore)) *park.RentalStore {
		s := &park.RentalStore{Code: "10001", Kind: park.RentalStoreKind, Name: "西湖店", Address: "文三路 1 号", Latitude: 30.27,
			Longitude: 120.15, City: "330100", Opens: "08:00", Closes: "22:00", LotCode: "L1"}
		f(s)
		return s
	}
	for field, s := range map[string]*park.RentalStore{
		"name":    store(func(s *park.RentalStore) { s.Name = "  " }),
		"address": store(func(s *park.RentalStore) { s.Address = "\u3000" }),
		"city":    store(func(s *park.RentalStore) { s.City = "杭州" }),
	} {
		err := s.Validate()
		if pe, _ := err.(*park.Error); pe == nil || pe.Code != park.EInvalid || pe.Field != field {
			t.Errorf("%s: %v, want EInvalid naming it", field, err)
		}
	}
	if err := store(func(*park.RentalStore) {}).Validate(); err != nil {
		t.Fatal(err)
	}
	m := &park.VehicleModel{Code: "100001", Name: " ", Seats: 5, Fuel: "petrol", Transmission: "automatic"}
	if pe, _ := m.Validate().(*park.Error); pe == nil || pe.Field != "name" {
		t.Errorf("a model named blank: %v, want EInvalid naming name", pe)
	}
}
