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
