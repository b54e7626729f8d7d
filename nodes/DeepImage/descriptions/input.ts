import type { INodeProperties } from 'n8n-workflow';

/** Operations that send an image to be processed. */
export const PROCESS_OPERATIONS = ['process', 'processAndWaitBriefly'];

const show = { show: { operation: PROCESS_OPERATIONS } };

/** Where the image comes from, and the job id of Get Result and Delete Result. */
export const inputProperties: INodeProperties[] = [
	{
		displayName: 'Image Source',
		name: 'inputSource',
		type: 'options',
		options: [
			{ name: 'URL', value: 'url', description: 'A public http(s) URL Deep Image downloads itself' },
			{ name: 'Binary File', value: 'binary', description: 'A file of the input item, e.g. from Read Files or an HTTP Request' },
			{ name: 'Deep Image Storage', value: 'storage', description: 'A storage:// path connected to your Deep Image account' },
		],
		default: 'url',
		displayOptions: show,
	},
	{
		displayName: 'Image URL',
		name: 'imageUrl',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. https://example.com/products/chair.jpg',
		description: 'Public URL of the image (JPEG, PNG, WebP …)',
		displayOptions: { show: { operation: PROCESS_OPERATIONS, inputSource: ['url'] } },
	},
	{
		displayName: 'Input Binary Field',
		name: 'binaryPropertyName',
		type: 'string',
		required: true,
		default: 'data',
		hint: 'The name of the input item’s binary field holding the image',
		displayOptions: { show: { operation: PROCESS_OPERATIONS, inputSource: ['binary'] } },
	},
	{
		displayName: 'Send File As',
		name: 'binaryUpload',
		type: 'options',
		options: [
			{
				name: 'Multipart Upload',
				value: 'multipart',
				description: 'The file as bytes (field "image"), settings as JSON in "parameters". Smallest request; callbacks do not carry the image back.',
			},
			{
				name: 'Base64 in JSON',
				value: 'base64',
				description: 'The file as "base64,…" in the URL field. Deep Image echoes it back in its callback, which makes callbacks a third larger than the file.',
			},
		],
		default: 'multipart',
		displayOptions: { show: { operation: PROCESS_OPERATIONS, inputSource: ['binary'] } },
	},
	{
		displayName: 'Storage Path',
		name: 'storagePath',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. storage://my-bucket/products/chair.jpg',
		description: 'A file in storage connected to your Deep Image account',
		displayOptions: { show: { operation: PROCESS_OPERATIONS, inputSource: ['storage'] } },
	},
	{
		displayName: 'Job ID',
		name: 'jobId',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. ce0e7624-634e-11ee-a699-0242ac14000b',
		description: 'ID of the job, as Process or the Deep Image Trigger returned it (jobId)',
		displayOptions: { show: { operation: ['getResult', 'deleteResult'] } },
	},
];
