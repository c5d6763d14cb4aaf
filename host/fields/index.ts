// Public surface of the field registry.
export type { FieldArgKind, FieldArgument, FieldDef, FieldFlag, FieldGroup, FieldType, ResolvedField } from './types.js';
export { hasFlag, typeName } from './types.js';
export { FIELD_CLASSES, type FieldClassInfo } from './classes.js';
export { defaultRegistry, FieldLookupError, FieldRegistry, nonexistentFieldMessage } from './registry.js';
export { parseLibsInteger, validateValue, ValueParseError } from './values.js';
