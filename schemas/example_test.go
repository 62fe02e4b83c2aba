package schemas_test

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/cityid/cityid/schemas"
)

func ExampleValidate() {
	err := schemas.Validate(schemas.ResidencyCredential, map[string]any{
		"id":            "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK",
		"residentOf":    "Springfield",
		"housingStatus": "housed?",
		"residentSince": "01/09/2010",
	})
	var ve *schemas.ValidationError
	if errors.As(err, &ve) {
		for _, f := range ve.Fields {
			fmt.Printf("%s: %s\n", f.Path, f.Message)
		}
	}

	err = schemas.Validate(schemas.AgeOverCredential, map[string]any{"ageOver21": true})
	fmt.Println("ageOver21 only:", err)
	// Output:
	// housingStatus: must be one of housed, noFixedAddress, shelter
	// residentSince: must be a date like 1990-04-30
	// ageOver21 only: <nil>
}

func ExampleExport() {
	dir, err := os.MkdirTemp("", "cityid-schemas")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(dir)
	if err := schemas.Export(dir); err != nil {
		panic(err)
	}
	for _, name := range []string{"index.json", "city-v1.jsonld", "CityIDCredential.json"} {
		_, err := os.Stat(filepath.Join(dir, name))
		fmt.Println(name, err == nil)
	}
	// Output:
	// index.json true
	// city-v1.jsonld true
	// CityIDCredential.json true
}

func ExampleLookup() {
	typ, _ := schemas.Lookup(schemas.AgeOverCredential)
	fmt.Println(typ.Title, typ.SchemaID)
	for _, c := range typ.Claims {
		fmt.Printf("%s (%s) required=%v\n", c.Name, c.Title, c.Required)
	}
	// Output:
	// Age over https://cityid.dev/schemas/AgeOverCredential.json
	// ageOver18 (Over 18) required=false
	// ageOver21 (Over 21) required=false
	// ageOver65 (Over 65) required=false
}

func ExamplePhotoDigest() {
	d := schemas.PhotoDigest([]byte("photo"))
	fmt.Println(d)
	digest, err := schemas.ParsePhotoDigest("sha256-VcZND81vnV98goCThX4/39poR4u06b0k1IHvORx4BOg=")
	fmt.Printf("%x %v\n", digest[:4], err)
	// Output:
	// uEiBVxk0PzW-dX3yCgJOFfj_f2mhHi7TpvSTUge85HHgE6A
	// 55c64d0f <nil>
}

// LookupIn gives a type's titles in the resident's language, falling back
// to English.
func ExampleLookupIn() {
	typ, _ := schemas.LookupIn(schemas.AgeOverCredential, "es-MX")
	fmt.Println(typ.Title)
	fmt.Println(typ.Claims[0].Title)
	// Output:
	// Mayoría de edad
	// Mayor de 18
}
