import '../shared/style.css';
import { byId, h } from '../shared/dom.ts';

byId('account').replaceChildren();
byId('content').replaceChildren(h('p', {}, 'Booking opens here soon.'));
