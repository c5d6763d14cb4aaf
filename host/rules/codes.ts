// Falco's load-result codes with their short strings and descriptions, in Falco's enum order.
// The strings are what `falco -V` and the JSON report print, so they must match exactly.

export type ErrorCode =
  | 'LOAD_ERR_FILE_READ'
  | 'LOAD_ERR_YAML_PARSE'
  | 'LOAD_ERR_YAML_VALIDATE'
  | 'LOAD_ERR_COMPILE_CONDITION'
  | 'LOAD_ERR_COMPILE_OUTPUT'
  | 'LOAD_ERR_VALIDATE'
  | 'LOAD_ERR_EXTENSION';

export type WarningCode =
  | 'LOAD_UNKNOWN_SOURCE'
  | 'LOAD_UNSAFE_NA_CHECK'
  | 'LOAD_NO_EVTTYPE'
  | 'LOAD_UNKNOWN_FILTER'
  | 'LOAD_UNUSED_MACRO'
  | 'LOAD_UNUSED_LIST'
  | 'LOAD_UNKNOWN_ITEM'
  | 'LOAD_DEPRECATED_ITEM'
  | 'LOAD_WARNING_EXTENSION'
  | 'LOAD_APPEND_NO_VALUES'
  | 'LOAD_EXCEPTION_NAME_NOT_UNIQUE'
  | 'LOAD_INVALID_MACRO_NAME'
  | 'LOAD_INVALID_LIST_NAME'
  | 'LOAD_COMPILE_CONDITION'
  | 'LOAD_UNKNOWN_KEY';

export const ERROR_STRINGS: Record<ErrorCode, string> = {
  LOAD_ERR_FILE_READ: 'File read error',
  LOAD_ERR_YAML_PARSE: 'YAML parse error',
  LOAD_ERR_YAML_VALIDATE: 'Error validating internal structure of YAML file',
  LOAD_ERR_COMPILE_CONDITION: 'Error compiling condition',
  LOAD_ERR_COMPILE_OUTPUT: 'Error compiling output',
  LOAD_ERR_VALIDATE: 'Error validating rule/macro/list/exception objects',
  LOAD_ERR_EXTENSION: 'Error in extension item',
};

/**
 * Falco's `error_desc()` returns the short string, not the long description (a Falco quirk the
 * JSON report's "codedesc" inherits), so the JSON form of an error repeats ERROR_STRINGS.
 */
export function errorCodeDesc(code: ErrorCode): string {
  return ERROR_STRINGS[code];
}

export const WARNING_STRINGS: Record<WarningCode, string> = {
  LOAD_UNKNOWN_SOURCE: 'Unknown event source',
  LOAD_UNSAFE_NA_CHECK: 'Unsafe <NA> comparison in condition',
  LOAD_NO_EVTTYPE: 'Condition has no event-type restriction',
  LOAD_UNKNOWN_FILTER: 'Unknown field or event-type in condition or output',
  LOAD_UNUSED_MACRO: 'Unused macro',
  LOAD_UNUSED_LIST: 'Unused list',
  LOAD_UNKNOWN_ITEM: 'Unknown rules file item',
  LOAD_DEPRECATED_ITEM: 'Used deprecated item',
  LOAD_WARNING_EXTENSION: 'Warning in extension item',
  LOAD_APPEND_NO_VALUES: 'Overriding/appending with no values',
  LOAD_EXCEPTION_NAME_NOT_UNIQUE: 'Multiple exceptions defined with the same name',
  LOAD_INVALID_MACRO_NAME: 'Invalid macro name',
  LOAD_INVALID_LIST_NAME: 'Invalid list name',
  LOAD_COMPILE_CONDITION: 'Warning in rule condition',
  LOAD_UNKNOWN_KEY: 'Unknown key in item definition',
};

export const WARNING_DESCS: Record<WarningCode, string> = {
  LOAD_UNKNOWN_SOURCE:
    'A rule has a unknown event source. This can occur when reading rules content without having a corresponding plugin loaded, etc. The rule will be silently ignored.',
  LOAD_UNSAFE_NA_CHECK:
    "Comparing a field value with <NA> is unsafe and can lead to unpredictable behavior of the rule condition. If you need to check for the existence of a field, consider using the 'exists' operator instead.",
  LOAD_NO_EVTTYPE:
    'A rule condition matches too many evt.type values. This has a significant performance penalty. Make the condition more specific by adding an evt.type field or further restricting the number of evt.type values in the condition.',
  LOAD_UNKNOWN_FILTER:
    'A rule condition or output refers to a field or evt.type that does not exist. This is normally an error, but if a rule has a skip-if-unknown-filter property, the error is downgraded to a warning.',
  LOAD_UNUSED_MACRO: 'A macro is defined in the rules content but is not used by any other macro or rule.',
  LOAD_UNUSED_LIST: 'A list is defined in the rules content but is not used by any other list, macro, or rule.',
  LOAD_UNKNOWN_ITEM: 'An unknown top-level object is in the rules content. It will be ignored.',
  LOAD_DEPRECATED_ITEM: 'A deprecated item is employed by lists, macros, or rules.',
  LOAD_WARNING_EXTENSION: 'An extension item has a warning',
  LOAD_APPEND_NO_VALUES: 'A rule exception is overriding/appending with no values',
  LOAD_EXCEPTION_NAME_NOT_UNIQUE: 'A rule is defining multiple exceptions with the same name',
  LOAD_INVALID_MACRO_NAME: 'A macro is defined with an invalid name',
  LOAD_INVALID_LIST_NAME: 'A list is defined with an invalid name',
  LOAD_COMPILE_CONDITION: 'A rule condition or output have been parsed with a warning',
  LOAD_UNKNOWN_KEY:
    'An item in the rules content contains an unrecognized key. The key will be ignored. This may indicate a typo or a property placed on the wrong item type.',
};

/** Fields libs deprecated after dropping enter events; Falco warns when rules use them. */
export const DEPRECATED_FIELDS = [
  'evt.dir',
  'evt.latency',
  'evt.latency.s',
  'evt.latency.ns',
  'evt.latency.human',
  'evt.wait_latency',
] as const;
export type DeprecatedField = (typeof DEPRECATED_FIELDS)[number];

const LATENCY_DESC = 'field is not available due to the drop of enter events.';

export const DEPRECATED_FIELD_DESCS: Record<DeprecatedField, string> = {
  'evt.dir':
    "due to the drop of enter events, 'evt.dir = <' always evaluates to true, and 'evt.dir = >' always evaluates to false. The rule expression can be simplified by removing the condition on 'evt.dir'",
  'evt.latency': LATENCY_DESC,
  'evt.latency.s': LATENCY_DESC,
  'evt.latency.ns': LATENCY_DESC,
  'evt.latency.human': LATENCY_DESC,
  'evt.wait_latency': LATENCY_DESC,
};

// Messages Falco's reader and collector share (rule_loading_messages.h).
export const MSG = {
  warningAppend:
    "'append' key is deprecated. Add an 'append' entry (e.g. 'condition: append') under 'override' instead.",
  warningEnabled:
    "The standalone 'enabled' key usage is deprecated. The correct approach requires also a 'replace' entry under the 'override' key (i.e. 'enabled: replace').",
  errorOverrideAppend:
    "Keys 'override' and 'append: true' cannot be used together. Add an 'append' entry (e.g. 'condition: append') under 'override' instead.",
  errorNoPreviousMacro:
    "Macro uses 'append' or 'override.condition: append' but no macro by that name already exists",
  errorNoPreviousList:
    "List uses 'append' or 'override.items: append' but no list by that name already exists",
  errorNoPreviousRuleAppend:
    "Rule uses 'append' or 'override.<key>: append' but no rule by that name already exists",
  errorNoPreviousRuleReplace:
    "An 'override.<key>: replace' to a rule was requested but no rule by that name already exists",
  rgxIdentifier: '([a-zA-Z]+[a-zA-Z0-9_]*)',
  rgxBarestr: '([^()"\'[:space:]=,]+)',
} as const;
