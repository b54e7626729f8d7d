import type { INodeProperties } from 'n8n-workflow';

/** Operations that upload images into an order. */
export const UPLOAD_OPERATIONS = ['render', 'uploadOrder'];

const show = (operation: string[], extra: Record<string, string[]> = {}) => ({ show: { operation, ...extra } });

/** The binary property and the URL field of one image; `defaultProperty` empty: the image is optional. */
function imagePair(name: string, label: string, description: string, operation: string[], extra: Record<string, string[]>, defaultProperty: string): INodeProperties[] {
	return [
		{
			displayName: `${label} Binary Property`,
			name: `${name}BinaryProperty`,
			type: 'string',
			default: defaultProperty,
			placeholder: defaultProperty ? '' : 'e.g. secondPhoto (leave empty for none)',
			description: `Name of the input item’s binary property holding ${description}`,
			displayOptions: show(operation, { imageSource: ['binary'], ...extra }),
		},
		{
			displayName: `${label} URL`,
			name: `${name}Url`,
			type: 'string',
			default: '',
			placeholder: 'e.g. https://example.com/listing/photo.jpg',
			description: `Public http(s) URL of ${description}; the node downloads it and uploads the file`,
			displayOptions: show(operation, { imageSource: ['url'], ...extra }),
		},
	];
}

/**
 * Where the photos come from, the photos each tool needs, and the project they go into. None is
 * marked required: n8n cannot resolve displayOptions that depend on an expression (a tool or a
 * project mode chosen per item) and would refuse to publish the workflow; each is checked per item
 * before any call instead, with an error naming it.
 */
export const imageProperties: INodeProperties[] = [
	{
		displayName: 'Image Source',
		name: 'imageSource',
		type: 'options',
		options: [
			{ name: 'Binary Property', value: 'binary', description: 'Files of the input item (a form upload, a download, a read file)' },
			{ name: 'URL', value: 'url', description: 'Public image URLs; the node downloads them and uploads the files' },
		],
		default: 'binary',
		description: 'AI Home Design takes images as uploads only (JPG, PNG or WEBP, at most 50 MB each)',
		displayOptions: show(UPLOAD_OPERATIONS),
	},
	...imagePair('image', 'Photo', 'the room photo (the primary angle; for Darkness the photo before)', UPLOAD_OPERATIONS, {}, 'data'),
	...imagePair('mask', 'Mask', 'the mask: the items to remove painted in #7878CD', ['render'], { tool: ['tool-item-removal-mask'] }, 'mask'),
	...imagePair('after', 'After Photo', 'the photo after (the darkness tool compares the two)', ['render'], { tool: ['tool-darkness'] }, 'after'),
	...imagePair('secondary', 'Second Angle', 'an optional second angle of the room (secondary_angle), or the after photo', ['uploadOrder'], {}, ''),
	...imagePair('uploadMask', 'Mask', 'an optional mask (role mask)', ['uploadOrder'], {}, ''),
	{
		displayName: 'Project',
		name: 'projectMode',
		type: 'options',
		options: [
			{ name: 'Account Default', value: 'default', description: 'Send no project: AI Home Design files the order under its default' },
			{ name: 'Existing Project', value: 'existing', description: 'The project with the ID given' },
			{ name: 'New Project From Address', value: 'address', description: 'Create a project for the listing’s address first' },
		],
		default: 'default',
		displayOptions: show(UPLOAD_OPERATIONS),
	},
	// A saved parameter cannot change its type under existing workflows: version 1 keeps the text
	// field, version 2 picks the project from the account (or takes its ID). Both save `projectId`.
	{
		displayName: 'Project ID',
		name: 'projectId',
		type: 'string',
		default: '',
		placeholder: 'e.g. 69a6aa03a374700bff4a1320',
		displayOptions: { show: { operation: UPLOAD_OPERATIONS, projectMode: ['existing'], '@version': [{ _cnd: { lt: 2 } }] } },
	},
	{
		displayName: 'Existing Project',
		name: 'projectId',
		type: 'resourceLocator',
		default: { mode: 'list', value: '' },
		description: 'The project the order is filed under',
		modes: [
			{ displayName: 'From List', name: 'list', type: 'list', typeOptions: { searchListMethod: 'searchProjects', searchable: true } },
			{ displayName: 'By ID', name: 'id', type: 'string', placeholder: 'e.g. 69a6aa03a374700bff4a1320' },
		],
		displayOptions: { show: { operation: UPLOAD_OPERATIONS, projectMode: ['existing'], '@version': [{ _cnd: { gte: 2 } }] } },
	},
	{
		displayName: 'Address',
		name: 'address',
		type: 'string',
		default: '',
		placeholder: 'e.g. 12 Harbour Street, Bristol',
		description: 'The listing’s address; the project is named by it',
		displayOptions: { show: { operation: ['render', 'uploadOrder'], projectMode: ['address'] } },
	},
	{
		displayName: 'Address',
		name: 'projectAddress',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. 12 Harbour Street, Bristol',
		description: 'The listing’s address; the project is named by it',
		displayOptions: show(['createProject']),
	},
];
