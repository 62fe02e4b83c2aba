// The JSON-LD 1.1 expansion algorithm, continued: see expand.go.
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

package ld

import (
	"fmt"
	"strings"

	jsonld "github.com/piprate/json-gold/ld"
)

func expandObject(activeCtx *jsonld.Context, activeProperty string, expandedActiveProperty string, elem map[string]any, resultMap map[string]any, typeKey string, typeScopedContext *jsonld.Context) error {
	inputType := elem[typeKey]
	if inputType != nil {
		if itArray, isArray := inputType.([]any); isArray {
			if len(itArray) > 0 {
				inputType = itArray[len(itArray)-1]
			} else {
				inputType = nil
			}
		}
		if _, isMap := inputType.(map[string]any); isMap {
			return jsonld.NewJsonLdError(jsonld.InvalidTypedValue, "@type value must be a string or array of strings")
		}
		if inputType != nil {
			var err error
			inputType, err = expandIri(activeCtx, inputType.(string), false, true)
			if err != nil {
				return err
			}
		}
	}

	// 6)
	nests := make([]string, 0)
	// 7)
	for _, key := range jsonld.GetOrderedKeys(elem) {
		value := elem[key]
		// 7.1)
		if key == "@context" {
			continue
		}
		// 7.2)
		expandedProperty, err := expandIri(activeCtx, key, false, true)
		if err != nil {
			return err
		}
		var expandedValue any
		// 7.3)
		if expandedProperty == "" || (!strings.Contains(expandedProperty, ":") && !jsonld.IsKeyword(expandedProperty)) {
			// Every context here carries safeOptions: safe mode.
			return jsonld.NewJsonLdError(jsonld.InvalidProperty, "Dropping property that did not expand into an absolute IRI or keyword.")
		}
		// 7.4)
		if jsonld.IsKeyword(expandedProperty) {
			// 7.4.1)
			if expandedActiveProperty == "@reverse" {
				return jsonld.NewJsonLdError(jsonld.InvalidReversePropertyMap,
					"a keyword cannot be used as a @reverse property")
			}
			// 7.4.2)
			_, containsKey := resultMap[expandedProperty]
			if containsKey && expandedProperty != "@type" && expandedProperty != "@included" {
				return jsonld.NewJsonLdError(jsonld.CollidingKeywords, expandedProperty+" already exists in result")
			}
			// 7.4.3)
			if expandedProperty == "@id" {
				valueStr, isString := value.(string)
				if isString {
					expandedValue, err = expandIri(activeCtx, valueStr, true, false)
					if err != nil {
						return err
					}
				} else {
					return jsonld.NewJsonLdError(jsonld.InvalidIDValue, "value of @id must be a string")
				}
			} else if expandedProperty == "@included" {
				// Included blocks are treated as an array of separate object nodes sharing the same
				// referencing active_property. For 1.0, it is skipped as are other unknown keywords
				if processingMode(activeCtx, 1.0) {
					continue
				}

				ev, err := expandElement(activeCtx, activeProperty, value, false, nil)
				if err != nil {
					return err
				}
				includedResult := jsonld.Arrayify(ev)
				for _, v := range includedResult {
					if !jsonld.IsSubject(v) {
						return jsonld.NewJsonLdError(jsonld.InvalidIncludedValue,
							"values of @included must expand to node objects")
					}
				}
				if prevIncluded, found := resultMap["@included"]; found {
					includedResult = append(prevIncluded.([]any), includedResult...)
				}
				expandedValue = includedResult
			} else if expandedProperty == "@type" { // 7.4.4)
				switch v := value.(type) {
				case []any:
					var expandedValueList []any
					for _, listElem := range v {
						listElemStr, isString := listElem.(string)
						if !isString {
							return jsonld.NewJsonLdError(jsonld.InvalidTypeValue,
								"@type value must be a string or array of strings")
						}
						newVal, err := expandIri(typeScopedContext, listElemStr, true, true)
						if err != nil {
							return err
						}
						expandedValueList = append(expandedValueList, newVal)
					}
					expandedValue = expandedValueList
				case string:
					expandedValue, err = expandIri(typeScopedContext, v, true, true)
					if err != nil {
						return err
					}
					if containsKey {
						expandedValue = append(jsonld.Arrayify(resultMap[expandedProperty]), expandedValue)
					}
				case map[string]any:
					if len(v) != 0 {
						return jsonld.NewJsonLdError(jsonld.InvalidTypeValue,
							"@type value must be a an empty object for framing")
					}
					expandedValue = value
				default:
					return jsonld.NewJsonLdError(jsonld.InvalidTypeValue, v)
				}
			} else if expandedProperty == "@graph" { // 7.4.5)
				expandedValue, err = expandElement(activeCtx, "@graph", value, false, nil)
				if err != nil {
					return err
				}
				expandedValue = jsonld.Arrayify(expandedValue)
			} else if expandedProperty == "@value" { // 7.4.6)
				if inputType == "@json" && processingMode(activeCtx, 1.1) {
					// allow any value, to be verified when the object is fully expanded and
					// the @type is @json.
				} else {
					_, isMap := value.(map[string]any)
					_, isList := value.([]any)
					if value != nil && (isMap || isList) {
						return jsonld.NewJsonLdError(jsonld.InvalidValueObjectValue, "value of "+
							expandedProperty+" must be a scalar or null")
					}

				}

				expandedValue = value
				if expandedValue == nil {
					resultMap["@value"] = nil
					continue
				}
			} else if expandedProperty == "@language" {

				// If expanded property is @language and value is not a string, an invalid language-tagged
				// string error has been detected and processing is aborted. Otherwise, set expanded value
				// to lowercase value.

				vStr, isString := value.(string)
				if !isString {
					return jsonld.NewJsonLdError(jsonld.InvalidLanguageTaggedString, "@language value must be a string")
				}
				expandedValue = strings.ToLower(vStr)
			} else if expandedProperty == "@direction" {

				// If expanded property is @direction and value is not either 'ltr' or 'rtl', an invalid
				// base direction error has been detected and processing is aborted. Otherwise, set
				// expanded value to value.

				if _, isString := value.(string); !isString {
					return jsonld.NewJsonLdError(jsonld.InvalidBaseDirection, "@direction must be one of 'ltr', 'rtl'")
				}
				expandedValue = value
			} else if expandedProperty == "@index" { // 7.4.8)
				_, isString := value.(string)
				if !isString {
					return jsonld.NewJsonLdError(jsonld.InvalidIndexValue, "Value of "+
						expandedProperty+" must be a string")
				}
				expandedValue = value
			} else if expandedProperty == "@list" { // 7.4.9)
				// 7.4.9.1)
				if activeProperty == "" || activeProperty == "@graph" {
					continue
				}
				// 7.4.9.2)
				expandedValue, _ = expandElement(activeCtx, activeProperty, value, false, nil)

				// NOTE: step not in the spec yet
				expandedValue = jsonld.Arrayify(expandedValue)

			} else if expandedProperty == "@set" { // 7.4.10)
				expandedValue, _ = expandElement(activeCtx, activeProperty, value, false, nil)
			} else if expandedProperty == "@reverse" { // 7.4.11)
				_, isMap := value.(map[string]any)
				if !isMap {
					return jsonld.NewJsonLdError(jsonld.InvalidReverseValue, "@reverse value must be an object")
				}
				// 7.4.11.1)
				expandedValue, err = expandElement(activeCtx, "@reverse", value, false, nil)
				if err != nil {
					return err
				}

				// NOTE: algorithm assumes the result is a map
				// 7.4.11.2)
				reverseValue, containsReverse := expandedValue.(map[string]any)["@reverse"]
				if containsReverse {
					for property, item := range reverseValue.(map[string]any) {
						// 7.4.11.2.1)
						var propertyList []any
						if propertyValue, containsProperty := resultMap[property]; containsProperty {
							propertyList = propertyValue.([]any)
						} else {
							propertyList = make([]any, 0)
							resultMap[property] = propertyList
						}
						// 7.4.11.2.2)
						if itemList, isList := item.([]any); isList {
							propertyList = append(propertyList, itemList...)
						} else {
							propertyList = append(propertyList, item)
						}
						resultMap[property] = propertyList
					}
				}
				// 7.4.11.3)
				expandedValueMap := expandedValue.(map[string]any)
				var maxSize int
				if containsReverse {
					maxSize = 1
				} else {
					maxSize = 0
				}
				if len(expandedValueMap) > maxSize {
					var reverseMap map[string]any
					if reverseValue, containsReverse := resultMap["@reverse"]; containsReverse {
						// 7.4.11.3.2)
						reverseMap = reverseValue.(map[string]any)
					} else {
						// 7.4.11.3.1)
						reverseMap = make(map[string]any)
						resultMap["@reverse"] = reverseMap
					}

					// 7.4.11.3.3)
					for property, propertyValue := range expandedValueMap {
						if property == "@reverse" {
							continue
						}
						// 7.4.11.3.3.1)
						items := propertyValue.([]any)
						for _, item := range items {
							// 7.4.11.3.3.1.1)
							itemMap := item.(map[string]any)
							_, containsValue := itemMap["@value"]
							_, containsList := itemMap["@list"]
							if containsValue || containsList {
								return jsonld.NewJsonLdError(jsonld.InvalidReversePropertyValue, nil)
							}
							// 7.4.11.3.3.1.2)
							var propertyValueList []any
							propertyValue, containsProperty := reverseMap[property]
							if containsProperty {
								propertyValueList = propertyValue.([]any)
							} else {
								propertyValueList = make([]any, 0)
								reverseMap[property] = propertyValueList
							}
							// 7.4.11.3.3.1.3)
							reverseMap[property] = append(propertyValueList, item)
						}
					}
				}
				// 7.4.11.4)
				continue
			} else if expandedProperty == "@nest" {
				// nested keys
				nests = append(nests, key)
			} else if expandedProperty == "@default" {
				expandedValue, _ = expandElement(activeCtx, expandedProperty, value, false, nil)
			} else if expandedProperty == "@explicit" ||
				expandedProperty == "@embed" ||
				expandedProperty == "@requireAll" ||
				expandedProperty == "@omitDefault" {
				// these values are scalars
				expandedValue = []any{value}
			}
			// 7.4.12)
			if expandedValue != nil {
				resultMap[expandedProperty] = expandedValue
			}
			// 7.4.13)
			continue
		}

		// use potential scoped context for key
		termCtx := activeCtx
		td := activeCtx.GetTermDefinition(key)
		if td != nil && td.HasContext {
			// TODO: fix calling a private method
			//termCtx, err = activeCtx.Parse(ctx)
			termCtx, err = scoped(activeCtx, td, activeCtx, propertyScoped)
			if err != nil {
				return err
			}
		}

		valueMap, isMap := value.(map[string]any)
		if termCtx.HasContainerMapping(key, "@language") && isMap {
			var expandedValueList []any

			dir, hasDir := td.Direction, td.HasDirection

			for _, language := range jsonld.GetOrderedKeys(valueMap) {
				expandedLanguage, err := expandIri(termCtx, language, false, true)
				if err != nil {
					return err
				}
				languageList := jsonld.Arrayify(valueMap[language])
				for _, item := range languageList {
					if item == nil {
						continue
					}

					if _, isString := item.(string); !isString {
						return jsonld.NewJsonLdError(jsonld.InvalidLanguageMapValue,
							fmt.Sprintf("expected %v to be a string", item))
					}

					v := map[string]any{
						"@value": item,
					}
					if expandedLanguage != "@none" {
						v["@language"] = strings.ToLower(language)
					}
					if hasDir {
						if dir != nil {
							v["@direction"] = dir
						}
					} else if defaultDir := termCtx.Values.Direction; defaultDir != "" {
						v["@direction"] = defaultDir
					}
					expandedValueList = append(expandedValueList, v)
				}
			}
			expandedValue = expandedValueList
		} else if termCtx.HasContainerMapping(key, "@index") && isMap { // 7.6)
			asGraph := termCtx.HasContainerMapping(key, "@graph")
			indexKey := "@index"
			if tdKey := termCtx.GetTermDefinition(key); tdKey != nil && tdKey.Index != "" {
				indexKey = tdKey.Index
			}
			var propertyIndex string
			if indexKey != "@index" {
				propertyIndex, err = expandIri(activeCtx, indexKey, false, true)
				if err != nil {
					return err
				}
			}
			expandedValue, err = expandIndexMap(termCtx, key, valueMap, indexKey, asGraph, propertyIndex)
			if err != nil {
				return err
			}
		} else if termCtx.HasContainerMapping(key, "@id") && isMap {
			asGraph := termCtx.HasContainerMapping(key, "@graph")
			expandedValue, err = expandIndexMap(termCtx, key, valueMap, "@id", asGraph, "")
			if err != nil {
				return err
			}
		} else if termCtx.HasContainerMapping(key, "@type") && isMap {
			// since container is @type, revert type scoped context when expanding
			expandedValue, err = expandIndexMap(revertContext(termCtx), key, valueMap, "@type",
				false, "")
			if err != nil {
				return err
			}
		} else {
			isList := expandedProperty == "@list"
			tdKey := activeCtx.GetTermDefinition(key)
			if isList || expandedProperty == "@set" {
				nextActiveProperty := activeProperty
				if isList && expandedActiveProperty == "@graph" {
					nextActiveProperty = ""
				}
				expandedValue, err = expandElement(termCtx, nextActiveProperty, value, false, nil)
				if err != nil {
					return err
				}
			} else if tdKey != nil && tdKey.Type == "@json" {
				expandedValue = map[string]any{
					"@type":  "@json",
					"@value": value,
				}
			} else {
				// 7.7)
				expandedValue, err = expandElement(termCtx, key, value, false, nil)
				if err != nil {
					return err
				}
			}
		}

		// 7.8)
		if expandedValue == nil {
			continue
		}
		// 7.9)
		if termCtx.HasContainerMapping(key, "@list") {
			expandedValueMap, isMap := expandedValue.(map[string]any)
			_, containsList := expandedValueMap["@list"]
			if !isMap || !containsList {
				newExpandedValue := make(map[string]any, 1)
				_, isList := expandedValue.([]any)
				if !isList {
					newExpandedValue["@list"] = []any{expandedValue}
				} else {
					newExpandedValue["@list"] = expandedValue
				}
				expandedValue = newExpandedValue
			}
		}

		isContainerGraph := termCtx.HasContainerMapping(key, "@graph")
		isContainerID := termCtx.HasContainerMapping(key, "@id")
		isContainerIndex := termCtx.HasContainerMapping(key, "@index")
		if isContainerGraph && !isContainerID && !isContainerIndex {
			evList := jsonld.Arrayify(expandedValue)
			rVal := make([]any, 0)
			for _, ev := range evList {
				ev = map[string]any{
					"@graph": jsonld.Arrayify(ev),
				}
				rVal = append(rVal, ev)
			}
			expandedValue = rVal
		}

		// 7.10)
		if termCtx.IsReverseProperty(key) {
			var reverseMap map[string]any
			if reverseValue, containsReverse := resultMap["@reverse"]; containsReverse {
				// 7.10.2)
				reverseMap = reverseValue.(map[string]any)
			} else {
				// 7.10.1)
				reverseMap = make(map[string]any)
				resultMap["@reverse"] = reverseMap
			}

			// 7.10.3)
			expandedValueList, isList := expandedValue.([]any)
			if !isList {
				expandedValueList = []any{expandedValue}
				expandedValue = expandedValueList
			}
			// 7.10.4)
			for _, item := range expandedValueList {

				// 7.10.4.2)
				var expandedPropertyList []any
				expandedPropertyValue, containsExpandedProperty := reverseMap[expandedProperty]
				if containsExpandedProperty {
					expandedPropertyList = expandedPropertyValue.([]any)
				} else {
					expandedPropertyList = make([]any, 0)
				}

				switch v := item.(type) {
				case map[string]any:
					// 7.10.4.1)
					_, containsValue := v["@value"]
					_, containsList := v["@list"]
					if containsValue || containsList {
						return jsonld.NewJsonLdError(jsonld.InvalidReversePropertyValue, nil)
					}
					expandedPropertyList = append(expandedPropertyList, v)
				case []any:
					// 7.10.4.3)
					expandedPropertyList = append(expandedPropertyList, v...)
				default:
					expandedPropertyList = append(expandedPropertyList, v)
				}
				reverseMap[expandedProperty] = expandedPropertyList
			}
		} else { // 7.11)
			// 7.11.1)
			var expandedPropertyList []any
			expandedPropertyValue, containsExpandedProperty := resultMap[expandedProperty]
			if containsExpandedProperty {
				expandedPropertyList = expandedPropertyValue.([]any)
			} else {
				expandedPropertyList = make([]any, 0)
				resultMap[expandedProperty] = expandedPropertyList
			}
			// 7.11.2)
			if expandedValueList, isList := expandedValue.([]any); isList {
				expandedPropertyList = append(expandedPropertyList, expandedValueList...)
			} else {
				expandedPropertyList = append(expandedPropertyList, expandedValue)
			}
			resultMap[expandedProperty] = expandedPropertyList
		}
	}

	// expand each nested key
	for _, n := range nests {
		for _, nv := range jsonld.Arrayify(elem[n]) {
			nvMap, isMap := nv.(map[string]any)
			hasValues := false
			if isMap {
				for k := range nvMap {
					expanded, _ := expandIri(activeCtx, k, false, true)
					if expanded == "@value" {
						hasValues = true
						break
					}
				}
			}
			if !isMap || hasValues {
				return jsonld.NewJsonLdError(jsonld.InvalidNestValue, "nested value must be a node object")
			}
			err := expandObject(activeCtx, activeProperty, expandedActiveProperty, nv.(map[string]any), resultMap, typeKey, typeScopedContext)
			if err != nil {
				return err
			}
		}
	}

	return nil
}
