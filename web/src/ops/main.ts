import '../shared/style.css';
import { byId, h } from '../shared/dom.ts';

byId('content').replaceChildren(h('p', {}, 'Operations view.'));
