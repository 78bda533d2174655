/**
 * JSON Schema (draft 2020-12) of a workflow definition, hand-written so the server can publish it
 * and editors can validate against it. The structural rules live here; graph rules (references,
 * cycles, reachability, legal limit) only in validateWorkflow.
 */

import { OFFICER_ROLES } from '../authz.ts';
import { SUB_STATUS_IDS, SUB_STATUSES } from './status.ts';
import { CONDITION_OPS, STEP_ACTIONS, WORKFLOW_SCHEMA_VERSION } from './workflow.ts';

const text = { type: 'string', minLength: 1 } as const;
const primitive = {
  anyOf: [{ type: 'string' }, { type: 'number' }, { type: 'boolean' }, { type: 'null' }],
} as const;

export const WORKFLOW_JSON_SCHEMA = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: 'https://motcua.local/schemas/workflow-definition.json',
  title: 'Workflow definition (quy trình xử lý)',
  type: 'object',
  required: ['schemaVersion', 'steps'],
  additionalProperties: false,
  properties: {
    schemaVersion: { const: WORKFLOW_SCHEMA_VERSION },
    procedureVersion: { type: 'integer', minimum: 1 },
    steps: { type: 'array', minItems: 1, items: { $ref: '#/$defs/step' } },
  },
  $defs: {
    allotment: {
      oneOf: [
        {
          type: 'object',
          required: ['days'],
          additionalProperties: false,
          properties: { days: { type: 'number', exclusiveMinimum: 0 } },
        },
        {
          type: 'object',
          required: ['hours'],
          additionalProperties: false,
          properties: { hours: { type: 'number', exclusiveMinimum: 0 } },
        },
      ],
    },
    agency: {
      oneOf: [
        {
          type: 'object',
          required: ['kind', 'agencyCode'],
          additionalProperties: false,
          properties: { kind: { const: 'fixed' }, agencyCode: text },
        },
        {
          type: 'object',
          required: ['kind'],
          additionalProperties: false,
          properties: { kind: { const: 'receiving' } },
        },
        {
          type: 'object',
          required: ['kind'],
          additionalProperties: false,
          properties: { kind: { const: 'receiving_authority' } },
        },
        {
          type: 'object',
          required: ['kind'],
          additionalProperties: false,
          properties: { kind: { const: 'applicant_commune' } },
        },
      ],
    },
    condition: {
      type: 'object',
      required: ['field', 'op', 'value'],
      additionalProperties: false,
      properties: {
        field: text,
        op: { enum: [...CONDITION_OPS] },
        value: { oneOf: [primitive, { type: 'array', items: primitive }] },
      },
    },
    branch: {
      type: 'object',
      required: ['when', 'next'],
      additionalProperties: false,
      properties: { when: { $ref: '#/$defs/condition' }, next: text },
    },
    consultation: {
      type: 'object',
      required: ['id', 'name_vi', 'agency', 'allotment'],
      additionalProperties: false,
      properties: {
        id: text,
        name_vi: text,
        name_en: { type: 'string' },
        agency: { $ref: '#/$defs/agency' },
        allotment: { $ref: '#/$defs/allotment' },
      },
    },
    step: {
      type: 'object',
      required: ['id', 'name_vi', 'agency', 'role', 'allotment', 'actions'],
      additionalProperties: false,
      properties: {
        id: text,
        name_vi: text,
        name_en: { type: 'string' },
        agency: { $ref: '#/$defs/agency' },
        role: { enum: [...OFFICER_ROLES] },
        allotment: { $ref: '#/$defs/allotment' },
        actions: { type: 'array', uniqueItems: true, items: { enum: [...STEP_ACTIONS] } },
        next: text,
        branches: { type: 'array', items: { $ref: '#/$defs/branch' } },
        final: { type: 'boolean' },
        consultations: { type: 'array', items: { $ref: '#/$defs/consultation' } },
        subStatus: { enum: SUB_STATUS_IDS.filter((id) => SUB_STATUSES[id].parent === 'processing') },
      },
    },
  },
} as const;
