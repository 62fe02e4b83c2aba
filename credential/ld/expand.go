// The JSON-LD 1.1 expansion algorithm, adapted from json-gold v0.9.1
// (github.com/piprate/json-gold, ld/api_expand.go):
//
// Copyright 2015-2017 Piprate Limited
// Copyright 2025 Siemens AG
//
// Licensed under the Apache License, Version 2.0 (the "License");
// you may not use this file except in compliance with the License.
// You may obtain a copy of the License at
//
//     http://www.apache.org/licenses/LICENSE-2.0
//
// Unless required by applicable law or agreed to in writing, software
// distributed under the License is distributed on an "AS IS" BASIS,
// WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
// See the License for the specific language governing permissions and
// limitations under the License.
//
// Changes: the context processing steps go through contexts.go, which
// remembers them for frozen contexts; the frame expansion mode, the JSON
// pointers and the element handler (none of them used by Canonicalize) are
// removed. Everything else is json-gold's, step for step, so that the
// result, and every error, is the one json-gold's Expand gives;
// TestExpandMatchesJSONGold and FuzzExpandMatchesJSONGold check it.

package ld

import (
	"fmt"
	"sort"
	"strings"

	jsonld "github.com/piprate/json-gold/ld"
)

func expandElement(activeCtx *jsonld.Context, activeProperty string, element any, insideIndex bool, typeScopedContext *jsonld.Context) (any, error) {
	// 1)
	if element == nil {
		return nil, nil
	}

	// 3)
	switch elem := element.(type) {
	case []any:
		// 3.1)
		var resultList = make([]any, 0)
		// 3.2)
		for _, item := range elem {
			// 3.2.1)
			v, err := expandElement(activeCtx, activeProperty, item, insideIndex, typeScopedContext)
			if err != nil {
				return nil, err
			}

			if activeProperty == "@list" || activeCtx.HasContainerMapping(activeProperty, "@list") {
				_, isList := v.([]any)
				if isList {
					// if the active property is @list or its container mapping is set to @list and v is an array,
					// change it to a list object
					v = map[string]any{
						"@list": v,
					}
				}
			}

			if v != nil {
				// 3.2.3)
				vList, isList := v.([]any)
				if isList {
					resultList = append(resultList, vList...)
				} else {
					resultList = append(resultList, v)
				}
			}
		}
		// 3.3)
		return resultList, nil

	case map[string]any:

		// first, expand the active property
		expandedActiveProperty, err := expandIri(activeCtx, activeProperty, false, true)
		if err != nil {
			return nil, err
		}

		// Get any property-scoped context for activeProperty
		var propertyScopedCtx any
		propertyScopedTD, preRevert := activeCtx.GetTermDefinition(activeProperty), activeCtx
		if propertyScopedTD != nil {
			propertyScopedCtx = propertyScopedTD.Context
		}

		// second, determine if any type-scoped context should be reverted; it
		// should only be reverted when the following are all true:
		// 1. element is not a value or subject reference
		// 2. insideIndex is false
		if typeScopedContext == nil && previousContext(activeCtx) != nil {
			typeScopedContext = activeCtx
		}

		mustRevert := !insideIndex
		elemOrderedKeys := jsonld.GetOrderedKeys(elem)
		elemCtx, hasContext := elem["@context"]
		if mustRevert && (typeScopedContext != nil) && len(elemOrderedKeys) <= 2 && !hasContext {
			for _, key := range elemOrderedKeys {
				expandedProperty, err := expandIri(typeScopedContext, key, false, true)
				if err != nil {
					return nil, err
				}
				if expandedProperty == "@value" {
					// value found, ensure type-scoped context is used to expand it
					mustRevert = false
					activeCtx = typeScopedContext
					break
				}
				if expandedProperty == "@id" && len(elemOrderedKeys) == 1 {
					mustRevert = false
					break
				}
			}
		}

		if mustRevert {
			activeCtx = revertContext(activeCtx)
		}

		if propertyScopedCtx != nil {
			// apply property-scoped context after reverting term-scoped context
			newCtx, err := scoped(activeCtx, propertyScopedTD, preRevert, propertyScoped)
			if err != nil {
				return nil, err
			}
			activeCtx = newCtx
		}

		// if element has a context, process it
		if hasContext {
			newCtx, err := parseLocal(activeCtx, elemCtx)
			if err != nil {
				return nil, err
			}
			activeCtx = newCtx
		}

		// set the type-scoped context to the context on input, for use later
		typeScopedContext = activeCtx

		var typeKey string
		// look for scoped context on @type
		for _, key := range elemOrderedKeys {
			expandedProperty, err := expandIri(activeCtx, key, false, true)
			if err != nil {
				return nil, err
			}
			if expandedProperty == "@type" {
				// set scoped contexts from @type
				types := make([]string, 0)

				switch v := elem[key].(type) {
				case []any:
					for _, t := range v {
						if typeStr, isString := t.(string); isString {
							types = append(types, typeStr)
						} else {
							return nil, jsonld.NewJsonLdError(jsonld.InvalidTypeValue,
								"@type value must be a string or array of strings")
						}
					}
					// process in lexicographical order, see https://github.com/json-ld/json-ld.org/issues/616
					sort.Strings(types)
				case string:
					types = append(types, v)
				default:
					return nil, jsonld.NewJsonLdError(jsonld.InvalidTypeValue,
						"@type value must be a string or array of strings")
				}

				for _, tt := range types {
					if td := typeScopedContext.GetTermDefinition(tt); td != nil && td.HasContext {
						newCtx, err := scoped(activeCtx, td, typeScopedContext, typeScoped)
						if err != nil {
							return nil, err
						}
						activeCtx = newCtx
					}
				}

				typeKey = key
			}
		}

		resultMap := make(map[string]any)
		err = expandObject(activeCtx, activeProperty, expandedActiveProperty, elem, resultMap, typeKey,
			typeScopedContext)
		if err != nil {
			return nil, err
		}

		// 8)
		if rval, hasValue := resultMap["@value"]; hasValue {
			// 8.1)
			hasDisallowedKeys := false
			for key := range resultMap {
				if _, containsKey := valueObjectKeys[key]; !containsKey {
					hasDisallowedKeys = true
					break
				}
			}
			_, hasLanguage := resultMap["@language"]
			_, hasDirection := resultMap["@direction"]
			typeValue, hasType := resultMap["@type"]
			if hasDisallowedKeys {
				return nil, jsonld.NewJsonLdError(jsonld.InvalidValueObject, "value object has unknown keys")
			}
			if (hasLanguage || hasDirection) && hasType {
				return nil, jsonld.NewJsonLdError(jsonld.InvalidValueObject,
					"value object must not include @type with either @language or @direction")
			}
			// 8.2)
			if rval == nil && typeValue != "@json" {
				// nothing else is possible with result if we set it to
				// null, so simply return it
				return nil, nil
			}
			// 8.3)

			if hasLanguage {
				for _, v := range jsonld.Arrayify(rval) {
					if _, isString := v.(string); !(isString || isEmptyObject(v)) {
						return nil, jsonld.NewJsonLdError(jsonld.InvalidLanguageTaggedValue,
							"only strings may be language-tagged")
					}
				}
			} else if hasType {
				types := jsonld.Arrayify(typeValue)
				if processingMode(activeCtx, 1.1) && len(types) == 1 && types[0] == "@json" {
					// Any value of @value is okay if @type: @json
				} else {
					for _, v := range types {
						vStr, isString := v.(string)
						if !(isEmptyObject(v) || (isString && jsonld.IsAbsoluteIri(vStr) && !strings.HasPrefix(vStr, "_:"))) {
							return nil, jsonld.NewJsonLdError(jsonld.InvalidTypedValue,
								"an element containing @value and @type must have an absolute IRI for the value of @type")
						}
					}
				}
			}
		} else if rtype, hasType := resultMap["@type"]; hasType { // 9)
			if _, isList := rtype.([]any); !isList {
				resultMap["@type"] = []any{rtype}
			}
		} else {
			// 10)
			rset, hasSet := resultMap["@set"]
			_, hasList := resultMap["@list"]
			if hasSet || hasList {
				// 10.1)
				maxSize := 1
				if _, hasIndex := resultMap["@index"]; hasIndex {
					maxSize = 2
				}
				if len(resultMap) > maxSize {
					return nil, jsonld.NewJsonLdError(jsonld.InvalidSetOrListObject,
						"@set or @list may only contain @index")
				}
				// 10.2)
				if hasSet {
					// result becomes an array here, thus the remaining checks
					// will never be true from here on
					// so simply return the value rather than have to make
					// result an object and cast it with every
					// other use in the function.
					return rset, nil
				}
			}
		}
		// 11)
		if _, hasLanguage := resultMap["@language"]; hasLanguage && len(resultMap) == 1 {
			resultMap = nil
		}
		// 12)
		if activeProperty == "" || activeProperty == "@graph" {
			// 12.1)
			_, hasValue := resultMap["@value"]
			_, hasList := resultMap["@list"]
			_, hasID := resultMap["@id"]
			if resultMap != nil && (len(resultMap) == 0 || hasValue || hasList) {
				resultMap = nil
			} else if resultMap != nil && hasID && len(resultMap) == 1 { // 12.2)
				resultMap = nil
			}
		}
		// 13)
		if resultMap != nil {
			return resultMap, nil
		}
		return nil, nil
	default:
		// 2) If element is a scalar
		// 2.1)
		if activeProperty == "" || activeProperty == "@graph" {
			return nil, nil
		}
		return activeCtx.ExpandValue(activeProperty, element)
	}
}

func expandIndexMap(activeCtx *jsonld.Context, activeProperty string, value map[string]any, indexKey string, asGraph bool, propertyIndex string) (any, error) {
	// 7.6.1)
	var expandedValueList []any
	// 7.6.2)
	for _, key := range jsonld.GetOrderedKeys(value) {
		indexValue := value[key]

		indexCtx := activeCtx
		// if indexKey is @type, there may be a context defined for it
		if td := activeCtx.GetTermDefinition(key); indexKey == "@type" && td != nil && td.HasContext {
			newCtx, err := scoped(activeCtx, td, activeCtx, indexScoped)
			if err != nil {
				return nil, err
			}
			indexCtx = newCtx
		}

		// 7.6.2.1)
		indexValue = jsonld.Arrayify(indexValue)

		// 7.6.2.2)
		indexValue, err := expandElement(indexCtx, activeProperty, indexValue, true, nil)
		if err != nil {
			return nil, err
		}

		// expand for @type, but also for @none
		var expandedKey any
		if propertyIndex != "" {
			if key == "@none" {
				expandedKey = "@none"
			} else {
				expandedKeyVal, err := indexCtx.ExpandValue(indexKey, key)
				if err != nil {
					return nil, err
				}
				expandedKey = expandedKeyVal
			}
		} else {
			expandedKey, err = expandIri(indexCtx, key, false, true)
			if err != nil {
				return nil, err
			}
		}

		if indexKey == "@id" {
			// expand document relative
			key, err = expandIri(indexCtx, key, true, false)
			if err != nil {
				return nil, err
			}
		} else if indexKey == "@type" {
			key = expandedKey.(string)
		}

		// 7.6.2.3)
		for _, itemValue := range indexValue.([]any) {
			if asGraph && !jsonld.IsGraph(itemValue) {
				itemValue = map[string]any{
					"@graph": jsonld.Arrayify(itemValue),
				}
			}
			item := itemValue.(map[string]any)
			if indexKey == "@type" {
				if expandedKey == "@none" {
					// ignore @none
				} else if types, hasType := item["@type"]; hasType {
					switch v := types.(type) {
					case string:
						item["@type"] = []any{key, v}
					case []any:
						item["@type"] = append([]any{key}, v...)
					}
				} else {
					item["@type"] = []any{key}
				}
			} else if jsonld.IsValue(item) && indexKey != "@language" && indexKey != "@type" && indexKey != "@index" {
				return nil, jsonld.NewJsonLdError(jsonld.InvalidValueObject,
					fmt.Sprintf("Attempt to add illegal key to value object: %s", indexKey))
			} else if propertyIndex != "" {
				// index is a property to be expanded, and values interpreted for that property
				if expandedKey != "@none" {
					// expand key as a value
					jsonld.AddValue(item, propertyIndex, expandedKey, true, false, true, true)
				}

			} else if _, containsKey := item[indexKey]; !containsKey && expandedKey != "@none" {
				// 7.6.2.3.1)
				item[indexKey] = key
			}

			// 7.6.2.3.2)
			expandedValueList = append(expandedValueList, item)
		}
	}
	return expandedValueList, nil
}

// isEmptyObject is json-gold's.
func isEmptyObject(v any) bool {
	vMap, isMap := v.(map[string]any)
	return isMap && len(vMap) == 0
}

// expandIri is json-gold's Context.ExpandIri as expansion calls it (with no
// local context being processed), step for step, with its test of the
// ignored-keyword pattern ^@[a-zA-Z]+$ written out instead of run as a
// regular expression.
func expandIri(c *jsonld.Context, value string, relative bool, vocab bool) (string, error) {
	// 1)
	if jsonld.IsKeyword(value) {
		return value, nil
	}
	if ignoredKeyword(value) {
		return "", nil
	}
	// 3)
	if termDef, hasTermDef := c.TermDefinitions[value]; vocab && hasTermDef {
		if termDef != nil {
			return termDef.ID, nil
		}
		return "", nil
	}
	// 4)
	colIndex := strings.Index(value, ":")
	if colIndex > 0 {
		// 4.1)
		prefix := value[0:colIndex]
		suffix := value[colIndex+1:]
		// 4.2)
		if prefix == "_" || strings.HasPrefix(suffix, "//") {
			return value, nil
		}
		// 4.4)
		termDef, hasPrefix := c.TermDefinitions[prefix]
		if hasPrefix && termDef.ID != "" && termDef.Prefix != nil && *termDef.Prefix {
			return termDef.ID + suffix, nil
		} else if jsonld.IsAbsoluteIri(value) {
			return value, nil
		}
	}
	// 5)
	if vocabValue := c.Values.Vocab; vocab && vocabValue != nil {
		return *vocabValue + value, nil
	} else if relative {
		// 6)
		return jsonld.Resolve(c.Values.Base, value), nil
	}
	// 7)
	return value, nil
}

// ignoredKeyword reports whether s matches ^@[a-zA-Z]+$.
func ignoredKeyword(s string) bool {
	if len(s) < 2 || s[0] != '@' {
		return false
	}
	for i := 1; i < len(s); i++ {
		if c := s[i]; !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z') {
			return false
		}
	}
	return true
}

// valueObjectKeys are the keys a value object may have (8.1).
var valueObjectKeys = map[string]any{
	"@value":     nil,
	"@index":     nil,
	"@language":  nil,
	"@type":      nil,
	"@direction": nil,
}
