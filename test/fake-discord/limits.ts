/**
 * Discord's documented payload limits, checked the way Discord checks them: a violation is one
 * entry with the JSON path of the offending field, and the fake answers 400 / code 50035
 * ("Invalid Form Body") with Discord's nested `errors` object built from these entries.
 */

/** One rejected field: its path inside the request body and Discord's error code and text. */
export interface FieldError {
  readonly path: readonly (string | number)[];
  readonly code: string;
  readonly message: string;
}

/** Discord's message limits (https://discord.com/developers/docs/resources/message). */
const LIMITS = {
  content: 2_000,
  embeds: 10,
  embedTitle: 256,
  embedDescription: 4_096,
  embedFields: 25,
  fieldName: 256,
  fieldValue: 1_024,
  footerText: 2_048,
  authorName: 256,
  embedTotal: 6_000,
  actionRows: 5,
  buttonsPerRow: 5,
  customId: 100,
  buttonLabel: 80,
  choices: 25,
  choiceName: 100,
  choiceValue: 100,
  commandName: 32,
  commandDescription: 100,
  commandOptions: 25,
  commands: 100,
} as const;

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function maxLength(
  errors: FieldError[],
  path: readonly (string | number)[],
  value: unknown,
  max: number,
  min = 0,
): number {
  if (value === undefined || value === null) return 0;
  if (typeof value !== 'string') {
    errors.push({ path, code: 'BASE_TYPE_STRING', message: 'Must be a string.' });
    return 0;
  }
  if (value.length > max) {
    errors.push({
      path,
      code: 'BASE_TYPE_MAX_LENGTH',
      message: `Must be ${max} or fewer in length.`,
    });
  } else if (value.length < min) {
    errors.push({
      path,
      code: 'BASE_TYPE_BAD_LENGTH',
      message: `Must be between ${min} and ${max} in length.`,
    });
  }
  return value.length;
}

/** Checks one embed; returns the characters it counts towards the 6,000 total. */
function checkEmbed(
  errors: FieldError[],
  path: readonly (string | number)[],
  embed: unknown,
): number {
  if (!isObject(embed)) {
    errors.push({
      path,
      code: 'MODEL_TYPE_CONVERT',
      message: 'Only dictionaries may be used in a ModelType',
    });
    return 0;
  }
  let total = 0;
  total += maxLength(errors, [...path, 'title'], embed['title'], LIMITS.embedTitle);
  total += maxLength(
    errors,
    [...path, 'description'],
    embed['description'],
    LIMITS.embedDescription,
  );
  if (isObject(embed['footer'])) {
    total += maxLength(
      errors,
      [...path, 'footer', 'text'],
      embed['footer']['text'],
      LIMITS.footerText,
    );
  }
  if (isObject(embed['author'])) {
    total += maxLength(
      errors,
      [...path, 'author', 'name'],
      embed['author']['name'],
      LIMITS.authorName,
    );
  }
  const url = embed['url'];
  if (url !== undefined && (typeof url !== 'string' || !/^https?:\/\/\S+$/.test(url))) {
    errors.push({
      path: [...path, 'url'],
      code: 'URL_TYPE_INVALID_URL',
      message: 'Not a well formed URL.',
    });
  }
  const fields = embed['fields'];
  if (fields !== undefined) {
    if (!Array.isArray(fields)) {
      errors.push({
        path: [...path, 'fields'],
        code: 'BASE_TYPE_ARRAY',
        message: 'Must be an array.',
      });
    } else {
      if (fields.length > LIMITS.embedFields) {
        errors.push({
          path: [...path, 'fields'],
          code: 'BASE_TYPE_MAX_LENGTH',
          message: `Must be ${LIMITS.embedFields} or fewer in length.`,
        });
      }
      fields.forEach((field: unknown, i) => {
        const fieldPath = [...path, 'fields', i];
        if (!isObject(field)) return;
        for (const key of ['name', 'value'] as const) {
          if (typeof field[key] !== 'string' || field[key] === '') {
            errors.push({
              path: [...fieldPath, key],
              code: 'BASE_TYPE_REQUIRED',
              message: 'This field is required',
            });
          }
        }
        total += maxLength(errors, [...fieldPath, 'name'], field['name'], LIMITS.fieldName);
        total += maxLength(errors, [...fieldPath, 'value'], field['value'], LIMITS.fieldValue);
      });
    }
  }
  return total;
}

function checkComponents(errors: FieldError[], components: unknown): void {
  if (components === undefined) return;
  if (!Array.isArray(components)) {
    errors.push({ path: ['components'], code: 'BASE_TYPE_ARRAY', message: 'Must be an array.' });
    return;
  }
  if (components.length > LIMITS.actionRows) {
    errors.push({
      path: ['components'],
      code: 'BASE_TYPE_MAX_LENGTH',
      message: `Must be ${LIMITS.actionRows} or fewer in length.`,
    });
  }
  const seen = new Set<string>();
  components.forEach((row: unknown, r) => {
    if (!isObject(row) || row['type'] !== 1 || !Array.isArray(row['components'])) {
      errors.push({
        path: ['components', r],
        code: 'UNION_TYPE_CHOICES',
        message: 'Value of field "type" must be one of (1,).',
      });
      return;
    }
    const children = row['components'] as unknown[];
    if (children.length < 1 || children.length > LIMITS.buttonsPerRow) {
      errors.push({
        path: ['components', r, 'components'],
        code: 'BASE_TYPE_BAD_LENGTH',
        message: `Must be between 1 and ${LIMITS.buttonsPerRow} in length.`,
      });
    }
    children.forEach((child: unknown, c) => {
      const path = ['components', r, 'components', c];
      if (!isObject(child)) return;
      if (child['type'] === 2) {
        maxLength(errors, [...path, 'label'], child['label'], LIMITS.buttonLabel);
        if (child['style'] === 5) {
          if (typeof child['url'] !== 'string') {
            errors.push({
              path: [...path, 'url'],
              code: 'BASE_TYPE_REQUIRED',
              message: 'This field is required',
            });
          }
          return;
        }
      }
      const customId = child['custom_id'];
      if (typeof customId !== 'string' || customId.length === 0) {
        errors.push({
          path: [...path, 'custom_id'],
          code: 'BASE_TYPE_REQUIRED',
          message: 'This field is required',
        });
        return;
      }
      maxLength(errors, [...path, 'custom_id'], customId, LIMITS.customId, 1);
      if (seen.has(customId)) {
        errors.push({
          path: [...path, 'custom_id'],
          code: 'COMPONENT_CUSTOM_ID_DUPLICATED',
          message: 'Component custom id cannot be duplicated',
        });
      }
      seen.add(customId);
    });
  });
}

/**
 * Checks a message body (channel message, interaction reply data, webhook edit or follow-up).
 * `requireContent` rejects a message with nothing to show, as Discord does on creation (50006
 * is reported separately by the caller through `isEmptyMessage`).
 */
export function checkMessage(body: unknown): FieldError[] {
  const errors: FieldError[] = [];
  if (!isObject(body)) return errors;
  maxLength(errors, ['content'], body['content'], LIMITS.content);
  const embeds = body['embeds'];
  if (embeds !== undefined && embeds !== null) {
    if (!Array.isArray(embeds)) {
      errors.push({ path: ['embeds'], code: 'BASE_TYPE_ARRAY', message: 'Must be an array.' });
    } else {
      if (embeds.length > LIMITS.embeds) {
        errors.push({
          path: ['embeds'],
          code: 'BASE_TYPE_MAX_LENGTH',
          message: `Must be ${LIMITS.embeds} or fewer in length.`,
        });
      }
      let total = 0;
      embeds.forEach((embed: unknown, i) => {
        total += checkEmbed(errors, ['embeds', i], embed);
      });
      if (total > LIMITS.embedTotal) {
        errors.push({
          path: ['embeds'],
          code: 'MAX_EMBED_SIZE_EXCEEDED',
          message: `Embed size exceeds maximum size of ${LIMITS.embedTotal}`,
        });
      }
    }
  }
  checkComponents(errors, body['components']);
  checkAllowedMentions(errors, body['allowed_mentions']);
  return errors;
}

const MENTION_TYPES = ['roles', 'users', 'everyone'];

/** `allowed_mentions`: known parse types, and no explicit ids for a type that is also parsed. */
function checkAllowedMentions(errors: FieldError[], allowed: unknown): void {
  if (allowed === undefined || allowed === null) return;
  if (!isObject(allowed)) {
    errors.push({
      path: ['allowed_mentions'],
      code: 'MODEL_TYPE_CONVERT',
      message: 'Only dictionaries may be used in a ModelType',
    });
    return;
  }
  const parse = allowed['parse'];
  if (parse !== undefined && !Array.isArray(parse)) {
    errors.push({
      path: ['allowed_mentions', 'parse'],
      code: 'BASE_TYPE_ARRAY',
      message: 'Must be an array.',
    });
    return;
  }
  (parse ?? []).forEach((type: unknown, i: number) => {
    if (typeof type !== 'string' || !MENTION_TYPES.includes(type)) {
      errors.push({
        path: ['allowed_mentions', 'parse', i],
        code: 'BASE_TYPE_CHOICES',
        message: `Value must be one of {'everyone', 'roles', 'users'}.`,
      });
    }
  });
  for (const key of ['users', 'roles'] as const) {
    const ids = allowed[key];
    if (Array.isArray(ids) && ids.length > 0 && Array.isArray(parse) && parse.includes(key)) {
      errors.push({
        path: ['allowed_mentions', key],
        code: 'MESSAGE_ALLOWED_MENTIONS_PARSE_EXCLUSIVE',
        message: `parse:["${key}"] and ${key}: [ids...] are mutually exclusive.`,
      });
    }
  }
}

/** Whether a message body would create a message with nothing in it (Discord error 50006). */
export function isEmptyMessage(body: unknown): boolean {
  if (!isObject(body)) return true;
  const content = body['content'];
  const embeds = body['embeds'];
  const components = body['components'];
  const attachments = body['attachments'];
  const stickers = body['sticker_ids'];
  return (
    (typeof content !== 'string' || content.trim() === '') &&
    (!Array.isArray(embeds) || embeds.length === 0) &&
    (!Array.isArray(components) || components.length === 0) &&
    (!Array.isArray(attachments) || attachments.length === 0) &&
    (!Array.isArray(stickers) || stickers.length === 0)
  );
}

/** Checks an autocomplete result (interaction callback type 8 `data`). */
export function checkChoices(data: unknown): FieldError[] {
  const errors: FieldError[] = [];
  const choices = isObject(data) ? data['choices'] : undefined;
  if (!Array.isArray(choices)) {
    errors.push({
      path: ['data', 'choices'],
      code: 'BASE_TYPE_REQUIRED',
      message: 'This field is required',
    });
    return errors;
  }
  if (choices.length > LIMITS.choices) {
    errors.push({
      path: ['data', 'choices'],
      code: 'BASE_TYPE_MAX_LENGTH',
      message: `Must be ${LIMITS.choices} or fewer in length.`,
    });
  }
  choices.forEach((choice: unknown, i) => {
    const path = ['data', 'choices', i];
    if (!isObject(choice)) return;
    maxLength(errors, [...path, 'name'], choice['name'], LIMITS.choiceName, 1);
    if (typeof choice['name'] !== 'string') {
      errors.push({
        path: [...path, 'name'],
        code: 'BASE_TYPE_REQUIRED',
        message: 'This field is required',
      });
    }
    const value = choice['value'];
    if (typeof value === 'string')
      maxLength(errors, [...path, 'value'], value, LIMITS.choiceValue, 1);
    else if (typeof value !== 'number') {
      errors.push({
        path: [...path, 'value'],
        code: 'BASE_TYPE_REQUIRED',
        message: 'This field is required',
      });
    }
  });
  return errors;
}

const COMMAND_NAME = /^[-_\p{L}\p{N}]{1,32}$/u;

function checkOptions(errors: FieldError[], path: (string | number)[], options: unknown): void {
  if (options === undefined) return;
  if (!Array.isArray(options)) {
    errors.push({ path, code: 'BASE_TYPE_ARRAY', message: 'Must be an array.' });
    return;
  }
  if (options.length > LIMITS.commandOptions) {
    errors.push({
      path,
      code: 'BASE_TYPE_MAX_LENGTH',
      message: `Must be ${LIMITS.commandOptions} or fewer in length.`,
    });
  }
  let sawOptional = false;
  const names = new Set<string>();
  options.forEach((option: unknown, i) => {
    const optionPath = [...path, i];
    if (!isObject(option)) return;
    const name = option['name'];
    if (typeof name !== 'string' || !COMMAND_NAME.test(name) || name !== name.toLowerCase()) {
      errors.push({
        path: [...optionPath, 'name'],
        code: 'APPLICATION_COMMAND_INVALID_NAME',
        message: 'Command name is invalid',
      });
    } else if (names.has(name)) {
      errors.push({
        path: [...optionPath, 'name'],
        code: 'APPLICATION_COMMAND_OPTIONS_NAME_ALREADY_EXISTS',
        message: 'Option names must be unique',
      });
    } else names.add(name);
    maxLength(
      errors,
      [...optionPath, 'description'],
      option['description'],
      LIMITS.commandDescription,
      1,
    );
    if (option['required'] === true && sawOptional) {
      errors.push({
        path: [...optionPath, 'required'],
        code: 'APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID',
        message: 'Required options must be placed before non-required options',
      });
    }
    if (option['required'] !== true) sawOptional = true;
    if (
      option['autocomplete'] === true &&
      Array.isArray(option['choices']) &&
      option['choices'].length > 0
    ) {
      errors.push({
        path: [...optionPath, 'autocomplete'],
        code: 'APPLICATION_COMMAND_AUTOCOMPLETE_INVALID',
        message: 'Autocomplete cannot be set on options with choices',
      });
    }
    if (Array.isArray(option['choices'])) {
      for (const e of checkChoices({ choices: option['choices'] })) {
        errors.push({ ...e, path: [...optionPath, ...e.path.slice(1)] });
      }
    }
    checkOptions(errors, [...optionPath, 'options'], option['options']);
  });
}

/** Checks the body of a bulk command overwrite (PUT …/commands). */
export function checkCommands(body: unknown): FieldError[] {
  const errors: FieldError[] = [];
  if (!Array.isArray(body)) {
    errors.push({ path: [], code: 'BASE_TYPE_ARRAY', message: 'Must be an array.' });
    return errors;
  }
  if (body.length > LIMITS.commands) {
    errors.push({
      path: [],
      code: 'BASE_TYPE_MAX_LENGTH',
      message: `Must be ${LIMITS.commands} or fewer in length.`,
    });
  }
  const names = new Set<string>();
  body.forEach((command: unknown, i) => {
    if (!isObject(command)) return;
    const name = command['name'];
    if (typeof name !== 'string' || !COMMAND_NAME.test(name) || name !== name.toLowerCase()) {
      errors.push({
        path: [i, 'name'],
        code: 'APPLICATION_COMMAND_INVALID_NAME',
        message: 'Command name is invalid',
      });
    } else if (names.has(name)) {
      errors.push({
        path: [i, 'name'],
        code: 'APPLICATION_COMMANDS_DUPLICATE_NAME',
        message: 'Application command names must be unique',
      });
    } else names.add(name);
    maxLength(errors, [i, 'description'], command['description'], LIMITS.commandDescription, 1);
    checkOptions(errors, [i, 'options'], command['options']);
  });
  return errors;
}

/** Discord's nested `errors` object for a 50035 response, built from flat field errors. */
export function nestErrors(
  errors: readonly FieldError[],
  prefix: readonly (string | number)[] = [],
): Json {
  const root: Json = {};
  for (const error of errors) {
    let node = root;
    for (const key of [...prefix, ...error.path]) {
      const k = String(key);
      if (!isObject(node[k])) node[k] = {};
      node = node[k] as Json;
    }
    const list = (node['_errors'] as unknown[] | undefined) ?? [];
    list.push({ code: error.code, message: error.message });
    node['_errors'] = list;
  }
  return root;
}
