"""Models the whoosh_jieba tests index: a page type and a plain model, nothing of the site's."""
