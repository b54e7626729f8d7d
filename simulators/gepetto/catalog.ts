/**
 * The catalogues the simulator lists: `GET /rooms` as documented, `[{id, name, "name-en", type}]`
 * with French `name` and English `name-en`; styles, furnitures and skies in the same shape
 * (their shape is inferred). Ids seen in the docs' examples (demeures, living_room) are among them.
 */
export interface CatalogueEntry {
	id: string;
	name: string;
	'name-en': string;
	type?: string;
}

const entry = (id: string, name: string, english: string, type?: string): CatalogueEntry => ({
	id,
	name,
	'name-en': english,
	...(type ? { type } : {}),
});

export const ROOMS: CatalogueEntry[] = [
	entry('living_room', 'Salon', 'Living room', 'interior'),
	entry('bedroom', 'Chambre', 'Bedroom', 'interior'),
	entry('kitchen', 'Cuisine', 'Kitchen', 'interior'),
	entry('dining_room', 'Salle à manger', 'Dining room', 'interior'),
	entry('bathroom', 'Salle de bain', 'Bathroom', 'interior'),
	entry('home_office', 'Bureau', 'Home office', 'interior'),
	entry('terrace', 'Terrasse', 'Terrace', 'exterior'),
];

export const STYLES: CatalogueEntry[] = [
	entry('demeures', 'Demeures', 'Mansion'),
	entry('scandinave', 'Scandinave', 'Scandinavian'),
	entry('moderne', 'Moderne', 'Modern'),
	entry('industriel', 'Industriel', 'Industrial'),
	entry('boheme', 'Bohème', 'Bohemian'),
	entry('haussmann', 'Haussmannien', 'Haussmann'),
];

export const FURNITURES: CatalogueEntry[] = [
	entry('sofa', 'Canapé', 'Sofa'),
	entry('bed', 'Lit', 'Bed'),
	entry('dining_table', 'Table à manger', 'Dining table'),
	entry('desk', 'Bureau', 'Desk'),
];

export const SKIES: CatalogueEntry[] = [
	entry('blue_sky', 'Ciel bleu', 'Blue sky'),
	entry('sunset', 'Coucher de soleil', 'Sunset'),
	entry('light_clouds', 'Nuages légers', 'Light clouds'),
];

export const STAGING_V2_ROOMS = ['living_room', 'living_dining', 'kitchen', 'kitchen_living', 'bedroom', 'dining_room', 'home_office', 'outdoor_terrace'];
export const STAGING_V1_ROOMS = ['living_room', 'bedroom', 'dining_room', 'home_office', 'gaming_room'];
export const WALL_VALUES = ['white', 'egg shell', 'black', 'gray', 'blue', 'deep blue', 'olive', 'terracotta'];
export const FLOOR_VALUES = ['parquet', 'tile', 'marble', 'carpet', 'concrete', 'hardwood'];

export const ids = (entries: CatalogueEntry[]): string[] => entries.map((item) => item.id);
